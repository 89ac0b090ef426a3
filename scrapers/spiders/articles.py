"""The spider of `mediamon worker`: fetches the articles a distributed crawl queued in Redis.

It reads ``<namespace>:articles:start_urls`` (filled by `mediamon crawl --distributed`) a batch
at a time, skips what is stored already, and schedules the rest through scrapy-redis' shared
queue and duplicate filter, so each article is fetched by exactly one of the workers.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Iterator, Sequence
from typing import Any

from scrapy import Request, signals
from scrapy.exceptions import DontCloseSpider
from scrapy_redis.spiders import RedisMixin
from sqlalchemy import Engine

from mediamon.core import stat_keys
from mediamon.crawl.distributed import ARTICLE_SPIDER, IDLE_EXIT_SETTING
from mediamon.store.addresses import stored_urls
from scrapers.spiders.collect import ArticleCollectingSpider
from scrapers.spiders.handoffs import ArticleHandoff

logger = logging.getLogger(__name__)


def stored_handoffs(engine: Engine, handoffs: Sequence[ArticleHandoff]) -> set[ArticleHandoff]:
    """Those of ``handoffs`` already stored, each looked up as an article of its own outlet."""
    urls_of: dict[str, list[str]] = defaultdict(list)
    for handoff in handoffs:
        urls_of[handoff.outlet_id].append(handoff.url)
    known = {
        (outlet_id, url)
        for outlet_id, urls in urls_of.items()
        for url in stored_urls(engine, urls, outlet_id)
    }
    return {handoff for handoff in handoffs if (handoff.outlet_id, handoff.url) in known}


class ArticleSpider(RedisMixin, ArticleCollectingSpider):
    name = ARTICLE_SPIDER
    idle_exit: float = 0.0  # seconds without work before closing; 0 means run until stopped
    idle_since: float | None = None

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> ArticleSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        assert isinstance(spider, ArticleSpider)
        spider.idle_exit = crawler.settings.getfloat(IDLE_EXIT_SETTING, 0.0)
        spider.setup_redis(crawler)
        crawler.signals.connect(spider.busy, signal=signals.request_scheduled)
        crawler.signals.connect(spider.busy, signal=signals.response_received)
        return spider

    async def start(self) -> AsyncIterator[Request]:
        for request in self.next_requests():
            yield request

    def next_requests(self) -> Iterator[Request]:
        batch = self.fetch_data(self.redis_key, self.redis_batch_size)
        handoffs = [ArticleHandoff.from_json(data) for data in batch]
        known = stored_handoffs(self.context.engine, handoffs)
        for handoff in handoffs:
            if handoff in known and not handoff.refetch:
                self.crawler.stats.inc_value(stat_keys.ALREADY_STORED)
            elif request := self.handoff_request(handoff):
                yield request

    def handoff_request(self, handoff: ArticleHandoff) -> Request | None:
        try:
            outlet = self.outlet(handoff.outlet_id)
        except KeyError:
            # The feeder's config names an outlet this worker's config lacks.
            self.crawler.stats.inc_value("mediamon/distributed/unknown_outlet")
            logger.warning(
                "no outlet %s in this worker's config: %s", handoff.outlet_id, handoff.url
            )
            return None
        # The shared duplicate filter has seen a re-fetch's URL: the feeder decided it is due.
        entry = handoff.entry()
        return self.article_request(
            outlet, entry, dont_filter=entry.refetch, source_url=handoff.source_url
        )

    def busy(self, *args: Any, **kwargs: Any) -> None:
        self.idle_since = None

    def spider_idle(self) -> None:
        """Pull the next batch; close only after ``idle_exit`` seconds without any work."""
        self.schedule_next_requests()
        now = time.monotonic()
        if self.idle_since is None:
            self.idle_since = now
        if self.idle_exit and now - self.idle_since >= self.idle_exit:
            logger.info("no work for %.0f s; the worker stops", now - self.idle_since)
            return
        raise DontCloseSpider
