"""OutletSpider: what every mediamon spider shares: the config, the outlets, polite requests."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

import scrapy
from scrapy.http import Response, TextResponse
from scrapy.settings import BaseSettings

from mediamon.config import Outlet
from mediamon.config_models import CrawlingSettings
from mediamon.context import Context, context_from_settings
from mediamon.db import utcnow
from pipelines.store import stored_urls
from scrapers.items import Article
from scrapers.spiders.entries import FeedEntry

logger = logging.getLogger(__name__)

OUTLET_META = "outlet_id"


class OutletSpider(scrapy.Spider):
    """A spider over the configured outlets, limited to one with ``-a outlet=ID``."""

    context: Context
    outlets: list[Outlet]

    def __init__(self, outlet: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.outlet_filter = [o for o in (outlet or "").split(",") if o]

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        super().update_settings(settings)
        config = context_from_settings(settings).config
        settings.set("USER_AGENT", config.settings.full_user_agent, priority="spider")
        settings.set("ROBOTSTXT_OBEY", config.settings.obey_robots, priority="spider")
        slots = {
            o.id: {"concurrency": o.concurrency, "delay": o.download_delay} for o in config.outlets
        }
        settings.set("DOWNLOAD_SLOTS", slots, priority="spider")
        apply_crawling_limits(settings, config.settings.crawling)

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> OutletSpider:
        spider: OutletSpider = super().from_crawler(crawler, *args, **kwargs)
        spider.context = context_from_settings(crawler.settings)
        spider.outlets = spider.select_outlets()
        return spider

    def select_outlets(self) -> list[Outlet]:
        """The outlets this run covers; an unknown id is an error naming the known ones."""
        config = self.context.config
        if not self.outlet_filter:
            return list(config.outlets)
        return [config.outlet(outlet_id) for outlet_id in self.outlet_filter]

    def outlet_meta(self, outlet: Outlet, **extra: Any) -> dict[str, Any]:
        """Request meta that routes a request into its outlet's politeness slot."""
        return {OUTLET_META: outlet.id, "download_slot": outlet.id, **extra}

    def outlet(self, outlet_id: str) -> Outlet:
        return self.context.config.outlet(outlet_id)

    def fetchable_entries(
        self, outlet: Outlet, entries: Iterable[FeedEntry], offsite_stat: str
    ) -> list[FeedEntry]:
        """Those of a listing's ``entries`` worth requesting: not stored yet, on the outlet's own
        domains (the others are counted under ``offsite_stat``)."""
        listed = list(entries)
        known = stored_urls(self.context.engine, [entry.link for entry in listed])
        fetchable = []
        for entry in listed:
            if entry.link in known:
                self.crawler.stats.inc_value("mediamon/articles/already_stored")
            elif not outlet.owns(entry.link):
                self.crawler.stats.inc_value(offsite_stat)
                logger.info("outlet %s: skipping off-domain link %s", outlet.id, entry.link)
            else:
                fetchable.append(entry)
        return fetchable

    def article_from(self, response: Response) -> Article | None:
        """The Article a listing's entry led to (``entry`` and ``source_url`` in its meta), or
        None, counted and logged, when the response is not a text page."""
        if not isinstance(response, TextResponse):
            self.crawler.stats.inc_value("mediamon/articles/not_html")
            logger.warning(
                "outlet %s: %s is not a text page", response.meta["outlet_id"], response.url
            )
            return None
        entry: FeedEntry = response.meta["entry"]
        return Article(
            url=response.url,
            outlet_id=response.meta["outlet_id"],
            html=response.body,
            encoding=response.encoding,
            fetched_at=utcnow(),
            source_url=response.meta["source_url"],
            hint_title=entry.title,
            hint_published=entry.published,
        )


def apply_crawling_limits(settings: BaseSettings, crawling: CrawlingSettings) -> None:
    """Size cap (raw and decompressed), timeout and AutoThrottle from settings.yaml."""
    max_bytes = int(crawling.max_response_mb * 1024 * 1024)
    settings.set("DOWNLOAD_MAXSIZE", max_bytes, priority="spider")
    settings.set("DOWNLOAD_WARNSIZE", max_bytes // 2, priority="spider")
    settings.set("DOWNLOAD_TIMEOUT", crawling.timeout_seconds, priority="spider")
    settings.set("AUTOTHROTTLE_ENABLED", crawling.autothrottle, priority="spider")
