"""RunRecorder: records every crawl in the runs table, with its outcome and crawl stats (a
``mediamon.core.runs.RunRecord`` per spider)."""

from __future__ import annotations

from collections.abc import Callable

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector
from sqlalchemy import Engine

from mediamon.core.context import context_from_settings
from mediamon.core.db_errors import unwritable_reason
from mediamon.core.names import crawl_run_name
from mediamon.core.runs import RunRecord
from mediamon.store.unwritable import stop_crawl


class RunRecorder:
    """``on_unwritable`` is told why when the database refuses the run record (a crawl stops:
    it could not store anything either)."""

    def __init__(
        self,
        engine: Engine,
        stats: StatsCollector,
        on_unwritable: Callable[[str], None] | None = None,
    ) -> None:
        self.engine = engine
        self.stats = stats
        self.on_unwritable = on_unwritable
        self.run: RunRecord | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunRecorder:
        assert crawler.stats is not None
        recorder = cls(
            context_from_settings(crawler.settings).engine,
            crawler.stats,
            lambda why: stop_crawl(crawler, why),
        )
        crawler.signals.connect(recorder.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(recorder.spider_closed, signal=signals.spider_closed)
        return recorder

    def spider_opened(self, spider: Spider) -> None:
        outlets = getattr(spider, "outlet_filter", [])
        try:
            self.run = RunRecord.start(self.engine, crawl_run_name(spider.name, outlets))
        except Exception as exc:
            self._unwritable(exc)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.run is None:
            return
        try:
            self.run.finish_crawl(reason, self.stats.get_stats())
        except Exception as exc:
            self._unwritable(exc)

    def _unwritable(self, error: Exception) -> None:
        """Tell why the database refuses writes; any other error is raised."""
        reason = unwritable_reason(error)
        if reason is None:
            raise error
        if self.on_unwritable is not None:
            self.on_unwritable(reason)
