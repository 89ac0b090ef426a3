"""The feeder's side of distributed crawling: article requests go to Redis, not to the downloader.

Enabled by `mediamon crawl --distributed` (see mediamon.crawl.distributed). The listing spiders run
as usual; each article request they yield is written as JSON onto the workers' start list instead.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any

from redis import Redis
from scrapy import Request, Spider
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.statscollectors import StatsCollector

from mediamon.crawl.distributed import CONNECT_TIMEOUT_SECONDS, HANDED_OFF_STAT, HANDOFF_KEY_SETTING
from scrapers.spiders.handoffs import ArticleHandoff

logger = logging.getLogger(__name__)


def is_article_request(item: Any) -> bool:
    callback = getattr(item, "callback", None)
    return isinstance(item, Request) and getattr(callback, "__name__", "") == "parse_article"


class ArticleHandoffMiddleware:
    """Diverts the spiders' article requests onto the workers' Redis start list."""

    def __init__(self, server: Redis, key: str, stats: StatsCollector) -> None:
        self.server = server
        self.key = key
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> ArticleHandoffMiddleware:
        key = crawler.settings.get(HANDOFF_KEY_SETTING)
        if not key:
            raise NotConfigured("not a distributed crawl")
        url = crawler.settings.get("REDIS_URL")
        server = Redis.from_url(url, socket_connect_timeout=CONNECT_TIMEOUT_SECONDS)
        return cls(server, key, crawler.stats)

    def process_spider_output(
        self, response: Response, result: Iterable[Any], spider: Spider
    ) -> Iterator[Any]:
        for item in result:
            if is_article_request(item):
                self.hand_off(item, spider)
            else:
                yield item

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any], spider: Spider
    ) -> AsyncIterator[Any]:
        async for item in result:
            if is_article_request(item):
                self.hand_off(item, spider)
            else:
                yield item

    def hand_off(self, request: Request, spider: Spider) -> None:
        self.server.rpush(self.key, ArticleHandoff.of(request).to_json())
        self.stats.inc_value(HANDED_OFF_STAT)
        logger.debug("queued %s for the workers", request.url)
        handed_off = getattr(spider, "article_handed_off", None)
        if handed_off is not None:
            handed_off(request)
