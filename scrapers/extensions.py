"""RunRecorder: records every crawl in the runs table, with its outcome and crawl stats."""

from __future__ import annotations

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector
from sqlalchemy import Engine

from mediamon.context import context_from_settings
from mediamon.runs import finish_run, start_run

KEPT_STATS = ("mediamon/", "item_scraped_count", "item_dropped_count", "downloader/response_status")


class RunRecorder:
    def __init__(self, engine: Engine, stats: StatsCollector) -> None:
        self.engine = engine
        self.stats = stats
        self.run_id: int | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunRecorder:
        assert crawler.stats is not None
        recorder = cls(context_from_settings(crawler.settings).engine, crawler.stats)
        crawler.signals.connect(recorder.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(recorder.spider_closed, signal=signals.spider_closed)
        return recorder

    def spider_opened(self, spider: Spider) -> None:
        outlets = ",".join(getattr(spider, "outlet_filter", [])) or "all"
        self.run_id = start_run(self.engine, f"crawl:{spider.name}:{outlets}")

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.run_id is None:
            return
        stats = self.stats.get_stats()
        counts = {k: v for k, v in stats.items() if k.startswith(KEPT_STATS)}
        errors = int(stats.get("log_count/ERROR", 0))
        messages = [f"{errors} errors logged"] if errors else []
        finish_run(self.engine, self.run_id, outcome_of(reason, errors), counts, messages)


def outcome_of(reason: str, errors: int) -> str:
    """'ok', 'errors' (finished but logged errors), or Scrapy's close reason (e.g. 'shutdown')."""
    if reason != "finished":
        return reason
    return "errors" if errors else "ok"
