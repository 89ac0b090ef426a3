"""Downloader middlewares: conditional GET for feeds.

Which URLs may be fetched (the outlet-domain rule among them) is :mod:`scrapers.urlguard`'s job.
"""

from __future__ import annotations

import logging

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from sqlalchemy import Engine

from mediamon.core.context import context_from_settings
from mediamon.crawl.feedstate import load_validators

logger = logging.getLogger(__name__)

CONDITIONAL_META = "conditional_get"
CONFIGURED_META = "configured_source"


class ConditionalGetMiddleware:
    """Adds If-None-Match / If-Modified-Since to requests marked ``conditional_get`` in meta."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ConditionalGetMiddleware:
        return cls(context_from_settings(crawler.settings).engine)

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        if request.meta.get(CONDITIONAL_META):
            for name, value in load_validators(self.engine, request.url).headers().items():
                request.headers.setdefault(name, value)
