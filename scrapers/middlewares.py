"""Downloader middlewares: conditional GET for feeds.

Which URLs may be fetched (the outlet-domain rule among them) is :mod:`scrapers.urlguard`'s job.
"""

from __future__ import annotations

import logging

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from sqlalchemy import Engine

from mediamon.core.context import context_from_settings
from mediamon.crawl.feedstate import Validators, load_validators

logger = logging.getLogger(__name__)

CONDITIONAL_META = "conditional_get"
CONFIGURED_META = "configured_source"
# (url, Validators) the spider read beforehand with the other feeds' (one query for them all);
# used only while the request is still for that URL (not after a redirect).
VALIDATORS_META = "stored_validators"


class ConditionalGetMiddleware:
    """Adds If-None-Match / If-Modified-Since to requests marked ``conditional_get`` in meta."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ConditionalGetMiddleware:
        return cls(context_from_settings(crawler.settings).engine)

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        if request.meta.get(CONDITIONAL_META):
            for name, value in self.validators(request).headers().items():
                request.headers.setdefault(name, value)

    def validators(self, request: Request) -> Validators:
        url, known = request.meta.get(VALIDATORS_META, (None, None))
        if url == request.url and isinstance(known, Validators):
            return known
        return load_validators(self.engine, request.url)
