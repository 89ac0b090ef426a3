"""Which encoding a page is read with when its header, its <meta> and its bytes disagree."""

from __future__ import annotations

import codecs

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler

from scrapers.charset import CharsetRepairMiddleware, better_encoding

CYRILLIC = "Вооружённая группа пересекла границу Белгородской области"


def page(meta: str | None, encoding: str, text: str = CYRILLIC) -> bytes:
    head = f'<meta charset="{meta}">' if meta else ""
    return f"<html><head>{head}</head><body><p>{text}</p></body></html>".encode(encoding)


def test_a_utf8_meta_that_decodes_the_page_beats_a_single_byte_header() -> None:
    assert better_encoding(page("utf-8", "utf-8"), "cp1251") == "utf-8"


def test_a_byte_order_mark_beats_the_header() -> None:
    assert better_encoding(codecs.BOM_UTF8 + page(None, "utf-8"), "cp1251") == "utf-8"
    assert better_encoding(codecs.BOM_UTF8 + page("windows-1251", "utf-8"), "utf-8") is None


@pytest.mark.parametrize(
    ("body", "declared"),
    [
        # a single-byte codec decodes anything: its meta proves nothing against the header
        (page("windows-1251", "cp1251"), "koi8-r"),
        # a header that decodes the page with a validating codec stands
        (page("windows-1251", "utf-8"), "utf-8"),
        # the meta says utf-8, but the bytes are not UTF-8
        (page("utf-8", "cp1251"), "cp1251"),
        # all ASCII: every candidate reads it the same
        (page("utf-8", "ascii", "Belgorod"), "cp1251"),
        # no meta, no BOM: nothing contradicts the header
        (page(None, "utf-8"), "cp1251"),
    ],
)
def test_the_header_stands_without_evidence_against_it(body: bytes, declared: str) -> None:
    assert better_encoding(body, declared) is None


def test_a_header_that_cannot_decode_the_page_gives_way_to_the_meta() -> None:
    assert better_encoding(page("windows-1251", "cp1251"), "utf-8") == "cp1251"


def test_without_a_usable_meta_detection_decides() -> None:
    text = " ".join([CYRILLIC] * 5)
    assert better_encoding(page(None, "cp1251", text), "utf-8") == "cp1251"


def test_the_middleware_rereads_a_page_whose_header_lies() -> None:
    crawler = get_crawler()
    stats = MemoryStatsCollector(crawler)
    url = "https://outlet.example/news/1"
    response = HtmlResponse(
        url,
        body=page("utf-8", "utf-8"),
        headers={"Content-Type": "text/html; charset=windows-1251"},
    )
    assert response.encoding == "cp1251"
    repaired = CharsetRepairMiddleware(stats).process_response(Request(url), response)
    assert repaired.encoding == "utf-8"
    assert isinstance(repaired, HtmlResponse) and CYRILLIC in repaired.text
    assert stats.get_value("mediamon/hostile/wrong_charset") == 1


def stray_byte_page(meta: str | None) -> bytes:
    """A UTF-8 page with one windows-1252 byte (a curly apostrophe, 0x92) pasted into its body."""
    head = f'<meta charset="{meta}">' if meta else ""
    start = f"<html><head>{head}<title>{TITLE}</title></head><body><p>{STRAY}".encode()
    return start + b"\x92" + f" {CYRILLIC}</p></body></html>".encode()


TITLE = "Grenzübertritt bei Белгород: Škoda-Werk geschlossen"
STRAY = "Der Gouverneur sagte, es sei ruhig"


@pytest.mark.parametrize(
    ("header", "meta"),
    [("utf-8", "utf-8"), ("utf-8", None), (None, "utf-8"), (None, None), ("windows-1251", "utf-8")],
)
def test_a_utf8_page_with_a_stray_byte_stays_utf8_with_only_that_byte_replaced(
    header: str | None, meta: str | None
) -> None:
    crawler = get_crawler()
    stats = MemoryStatsCollector(crawler)
    url = "https://outlet.example/news/2"
    content_type = f"text/html; charset={header}" if header else "text/html"
    response = HtmlResponse(url, body=stray_byte_page(meta), headers={"Content-Type": content_type})
    read = CharsetRepairMiddleware(stats).process_response(Request(url), response)
    assert isinstance(read, HtmlResponse) and codecs.lookup(read.encoding).name == "utf-8"
    assert f"<title>{TITLE}</title>" in read.text
    assert f"<p>{STRAY}\ufffd {CYRILLIC}</p>" in read.text
    assert read.text.count("\ufffd") == 1


def test_a_page_in_a_legacy_encoding_is_not_taken_for_utf8_with_stray_bytes() -> None:
    legacy = page(None, "cp1251", " ".join([CYRILLIC] * 5))
    assert better_encoding(legacy, "utf-8") == "cp1251"


@pytest.mark.parametrize("content_type", ["text/html", "text/html; charset=utf-8"])
def test_an_ascii_page_is_never_counted_as_a_wrong_charset(content_type: str) -> None:
    crawler = get_crawler()
    stats = MemoryStatsCollector(crawler)
    url = "https://outlet.example/news/3"
    body = page(None, "ascii", "Belgorod")
    response = HtmlResponse(url, body=body, headers={"Content-Type": content_type})
    assert CharsetRepairMiddleware(stats).process_response(Request(url), response) is response
    assert stats.get_value("mediamon/hostile/wrong_charset") is None
