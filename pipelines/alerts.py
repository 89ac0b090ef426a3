"""The alerts item pipeline: after the stories stage has committed articles, check the
subscriptions for developments (mediamon.alerts.check) in a thread of its own, at most every
``MEDIAMON_ALERTS_CHECK_SECONDS``, and once more when the spider closes.

Checking and delivering never hold up an article or fail a crawl: the check runs beside the
crawl, its errors are logged, a dead target is recorded in the outbox and retried later, and the
last check waits at most ``MEDIAMON_ALERTS_CLOSE_SECONDS``.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from sqlalchemy import Engine

from mediamon.alerts.check import check_alerts_safely
from mediamon.core.article import Article
from mediamon.core.config import Config
from mediamon.core.context import context_from_settings

logger = logging.getLogger(__name__)
CHECK_SECONDS_SETTING = "MEDIAMON_ALERTS_CHECK_SECONDS"
CLOSE_SECONDS_SETTING = "MEDIAMON_ALERTS_CLOSE_SECONDS"
CHECK_SECONDS = 5.0
CLOSE_SECONDS = 60.0


class AlertsPipeline:
    """Checks alerts as articles pass; ``NotConfigured`` without subscriptions."""

    def __init__(
        self,
        engine: Engine,
        config: Config,
        check_seconds: float = CHECK_SECONDS,
        close_seconds: float = CLOSE_SECONDS,
    ) -> None:
        self.engine = engine
        self.config = config
        self.check_seconds = check_seconds
        self.close_seconds = close_seconds
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._due = False
        self._thread: threading.Thread | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> AlertsPipeline:
        context = context_from_settings(crawler.settings)
        if not context.config.alerts.subscriptions:
            raise NotConfigured()  # without a message: Scrapy logs one as a WARNING on every crawl
        settings = crawler.settings
        return cls(
            context.engine,
            context.config,
            settings.getfloat(CHECK_SECONDS_SETTING, CHECK_SECONDS),
            settings.getfloat(CLOSE_SECONDS_SETTING, CLOSE_SECONDS),
        )

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if isinstance(item, Article) and item.id is not None:
            self._request_check()
        return item

    def close_spider(self, spider: Any = None) -> None:
        """A last check (it also sends the retries that have come due), bounded in time."""
        self._closing.set()
        last = threading.Thread(target=self._last_check, name="mediamon-alerts", daemon=True)
        last.start()
        last.join(self.close_seconds)
        if last.is_alive():
            logger.warning(
                "alerts: the last check took over %.0f s; what it did not send waits in the "
                "outbox for the next crawl",
                self.close_seconds,
            )

    def _last_check(self) -> None:
        running = self._thread
        if running is not None:
            running.join()
        check_alerts_safely(self.engine, self.config)

    def _request_check(self) -> None:
        with self._lock:
            self._due = True
            if self._thread is None and not self._closing.is_set():
                self._thread = threading.Thread(
                    target=self._checks, name="mediamon-alerts", daemon=True
                )
                self._thread.start()

    def _checks(self) -> None:
        while True:
            with self._lock:
                if not self._due or self._closing.is_set():
                    self._thread = None
                    return
                self._due = False
            check_alerts_safely(self.engine, self.config)
            self._closing.wait(self.check_seconds)
