"""Repair an HTML response whose declared charset is not the page's.

Scrapy trusts the Content-Type header over the page's own meta tag, and a page that declares
nothing and is not valid UTF-8 throughout (a stray windows-1252 byte in a UTF-8 page) it reads
as windows-1252; servers that send a wrong header (utf-8 for a windows-1251 page, windows-1251
for a UTF-8 one) or none at all are common. :func:`better_encoding` decides, as
:func:`mediamon.extract.decoding.reading_encoding` reads a page; a repair is counted as
``mediamon/hostile/wrong_charset``.
"""

from __future__ import annotations

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.http import HtmlResponse, Response
from scrapy.statscollectors import StatsCollector
from w3lib.encoding import http_content_type_encoding

from mediamon.extract.decoding import reading_encoding, same_codec
from scrapers.hostile import record_hostile


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
        if not isinstance(response, HtmlResponse) or response.body.isascii():
            return response  # ASCII reads alike in every encoding Scrapy may have chosen
        chosen = reading_encoding(response.body, header_encoding(response))
        if same_codec(chosen, response.encoding):
            return response
        outlet_id = request.meta.get("outlet_id", "?")
        why = f"declared {response.encoding}, decoded as {chosen}"
        record_hostile(self.stats, "wrong_charset", outlet_id, response.url, why)
        return response.replace(encoding=chosen)


def header_encoding(response: Response) -> str | None:
    """The charset of the response's Content-Type header, if it names one."""
    content_type = response.headers.get(b"Content-Type")
    return http_content_type_encoding(content_type.decode("latin-1")) if content_type else None


def better_encoding(body: bytes, declared: str) -> str | None:
    """The encoding to read ``body`` with instead of ``declared`` (the header's), or None when
    ``declared`` stands."""
    chosen = reading_encoding(body, declared)
    return None if same_codec(chosen, declared) else chosen
