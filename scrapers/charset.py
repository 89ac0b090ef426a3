"""Repair an HTML response whose declared charset does not decode its body.

Scrapy trusts the Content-Type header over the page's own meta tag; servers that send a wrong
header (utf-8 for a windows-1251 page) or none at all are common. The meta tag, then detection,
decide instead; the repair is counted as ``mediamon/hostile/wrong_charset``.
"""

from __future__ import annotations

import codecs

import charset_normalizer
from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.http import HtmlResponse, Response
from scrapy.statscollectors import StatsCollector
from w3lib.encoding import html_body_declared_encoding, resolve_encoding

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
        if not isinstance(response, HtmlResponse) or decodes(response.body, response.encoding):
            return response
        repaired = repaired_encoding(response.body)
        if repaired is None:
            return response
        outlet_id = request.meta.get("outlet_id", "?")
        why = f"declared {response.encoding}, decoded as {repaired}"
        record_hostile(self.stats, "wrong_charset", outlet_id, response.url, why)
        return response.replace(encoding=repaired)


def decodes(body: bytes, encoding: str) -> bool:
    try:
        codecs.decode(body, encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def repaired_encoding(body: bytes) -> str | None:
    declared = html_body_declared_encoding(body)
    if declared and decodes(body, resolve_encoding(declared) or declared):
        return resolve_encoding(declared) or declared
    best = charset_normalizer.from_bytes(body).best()
    return best.encoding if best is not None else None
