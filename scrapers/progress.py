"""CrawlProgress: a progress line every few seconds of a long crawl.

It logs at INFO: shown with ``--log-level INFO`` (or ``-v``), which leaves Scrapy's own INFO
output out (see ``mediamon.core.logs``); a crawl from cron logs only what needs attention.
``MEDIAMON_PROGRESS_INTERVAL`` (seconds, 0 off).
"""

from __future__ import annotations

import logging
import time

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.statscollectors import StatsCollector
from twisted.internet import task

from mediamon.core import stat_keys

logger = logging.getLogger("mediamon.progress")

DEFAULT_INTERVAL = 30.0


class CrawlProgress:
    def __init__(self, interval: float, stats: StatsCollector) -> None:
        self.interval = interval
        self.stats = stats
        self.started = time.monotonic()
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlProgress:
        interval = crawler.settings.getfloat("MEDIAMON_PROGRESS_INTERVAL", DEFAULT_INTERVAL)
        if interval <= 0:
            raise NotConfigured("MEDIAMON_PROGRESS_INTERVAL is 0")
        assert crawler.stats is not None
        progress = cls(interval, crawler.stats)
        crawler.signals.connect(progress.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(progress.spider_closed, signal=signals.spider_closed)
        return progress

    def spider_opened(self, spider: Spider) -> None:
        logger.info("%s: started (progress every %g s)", spider.name, self.interval)
        self.started = time.monotonic()
        self.loop = task.LoopingCall(self.report, spider.name)
        self.loop.start(self.interval, now=False)

    def spider_closed(self, spider: Spider) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()

    def report(self, spider_name: str) -> None:
        logger.info(
            "%s: %d new articles stored so far, %d pages fetched, %d failed (%.0f s)",
            spider_name,
            self.stats.get_value(stat_keys.STORED, 0),
            self.stats.get_value("downloader/response_count", 0),
            self.failures(),
            time.monotonic() - self.started,
        )

    def failures(self) -> int:
        keys = (stat_keys.FEEDS_FAILED, stat_keys.ARTICLES_FAILED, stat_keys.COLLECT_FAILED)
        return sum(int(self.stats.get_value(key, 0)) for key in keys)
