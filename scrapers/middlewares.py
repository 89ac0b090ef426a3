"""Downloader middlewares: conditional GET for feeds, and the outlet-domain guard."""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector
from sqlalchemy import Engine

from mediamon.config import Config
from mediamon.context import context_from_settings
from mediamon.feedstate import load_validators
from scrapers.hostile import RefusedRequest

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


class OutletDomainGuardMiddleware:
    """Refuses requests that leave their outlet's own domains.

    A URL the user configured (a feed, say on a CDN host) is trusted as such; where it redirects
    to, and every link found in it, is checked.
    """

    def __init__(self, config: Config, stats: StatsCollector) -> None:
        self.outlets = {outlet.id: outlet for outlet in config.outlets}
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> OutletDomainGuardMiddleware:
        assert crawler.stats is not None
        return cls(context_from_settings(crawler.settings).config, crawler.stats)

    def process_request(self, request: Request, spider: Spider | None = None) -> Any:
        outlet = self.outlets.get(request.meta.get("outlet_id", ""))
        if outlet is None or outlet.owns(request.url) or is_configured_source(request):
            return None
        self.stats.inc_value("mediamon/offsite/refused")
        if request.meta.get("redirect_times"):
            self.stats.inc_value("mediamon/hostile/offsite_redirect")
        logger.warning("outlet %s: refusing off-domain URL %s", outlet.id, request.url)
        raise RefusedRequest(f"{request.url} is not on the domains of outlet {outlet.id}")


def is_configured_source(request: Request) -> bool:
    return bool(request.meta.get(CONFIGURED_META)) and not request.meta.get("redirect_times")
