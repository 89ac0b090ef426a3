"""Repair an HTML response whose declared charset is not the page's.

Scrapy trusts the Content-Type header over the page's own meta tag; servers that send a wrong
header (utf-8 for a windows-1251 page, windows-1251 for a UTF-8 one) or none at all are common.
:func:`better_encoding` decides; a repair is counted as ``mediamon/hostile/wrong_charset``.
"""

from __future__ import annotations

import codecs

import charset_normalizer
from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.http import HtmlResponse, Response
from scrapy.statscollectors import StatsCollector
from w3lib.encoding import html_body_declared_encoding, read_bom, resolve_encoding

from scrapers.hostile import record_hostile

# Codecs that reject most text in another encoding, so that a clean decode is evidence. A
# single-byte codec (latin-1, cp125x, koi8-r) decodes any bytes at all and proves nothing.
VALIDATING = frozenset({"utf-8"})


class CharsetRepairMiddleware:
    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CharsetRepairMiddleware:
        assert crawler.stats is not None
        return cls(crawler.stats)

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Response:
        if not isinstance(response, HtmlResponse):
            return response
        repaired = better_encoding(response.body, response.encoding)
        if repaired is None:
            return response
        outlet_id = request.meta.get("outlet_id", "?")
        why = f"declared {response.encoding}, decoded as {repaired}"
        record_hostile(self.stats, "wrong_charset", outlet_id, response.url, why)
        return response.replace(encoding=repaired)


def better_encoding(body: bytes, declared: str) -> str | None:
    """The encoding to read ``body`` with instead of ``declared`` (what Scrapy chose, usually
    from the header), or None when ``declared`` stands.

    A byte order mark always wins, as in the WHATWG encoding standard. The page's own <meta>
    wins when a validating codec decodes the page's non-ASCII bytes with it. A declared
    encoding that cannot decode the body gives way to the meta tag, then to detection.
    """
    bom = bom_encoding(body)
    if bom is not None:
        return None if same_codec(bom, declared) else bom
    page = page_encoding(body)
    if page and not same_codec(page, declared) and proves(body, page):
        return page
    if decodes(body, declared):
        return None
    return repaired_encoding(body)


def bom_encoding(body: bytes) -> str | None:
    encoding, _ = read_bom(body)
    return encoding


def page_encoding(body: bytes) -> str | None:
    """The encoding the page's <meta> declares, resolved to a codec name, if any."""
    declared = html_body_declared_encoding(body)
    return (resolve_encoding(declared) or declared) if declared else None


def proves(body: bytes, encoding: str) -> bool:
    """Whether decoding ``body`` cleanly is evidence that it is in ``encoding``: the codec must
    validate, and an all-ASCII body reads the same in nearly every encoding."""
    return canonical(encoding) in VALIDATING and not body.isascii() and decodes(body, encoding)


def same_codec(first: str, second: str) -> bool:
    return canonical(first) == canonical(second)


def canonical(encoding: str) -> str:
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        return encoding.lower()


def decodes(body: bytes, encoding: str) -> bool:
    try:
        codecs.decode(body, encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def repaired_encoding(body: bytes) -> str | None:
    declared = page_encoding(body)
    if declared and decodes(body, declared):
        return declared
    best = charset_normalizer.from_bytes(body).best()
    return best.encoding if best is not None else None
