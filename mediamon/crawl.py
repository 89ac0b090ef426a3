"""Run mediamon's spiders in this process (one crawl per process: Twisted cannot restart)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from mediamon.context import CONFIG_SETTING, DATABASE_SETTING, Context

SPIDERS = ("feeds",)


def crawl_settings(context: Context, log_level: str = "WARNING") -> Settings:
    settings = Settings()
    settings.setmodule("scrapers.settings", priority="project")
    settings.set(CONFIG_SETTING, str(context.config.directory), priority="cmdline")
    settings.set(DATABASE_SETTING, context.config.settings.database_url, priority="cmdline")
    settings.set("LOG_LEVEL", log_level, priority="cmdline")
    return settings


def run_crawl(
    context: Context,
    spiders: Sequence[str] = SPIDERS,
    outlets: Sequence[str] = (),
    log_level: str = "WARNING",
    extra_settings: dict[str, Any] | None = None,
) -> dict[str, dict[str, Any]]:
    """Crawl with each spider named, one after another; return each spider's final stats."""
    settings = crawl_settings(context, log_level)
    for name, value in (extra_settings or {}).items():
        settings.set(name, value, priority="cmdline")
    process = CrawlerProcess(settings)
    crawlers = {}
    for name in spiders:
        crawler = process.create_crawler(name)
        crawlers[name] = crawler
        process.crawl(crawler, outlet=",".join(outlets) or None)
    process.start()
    return {
        name: crawler.stats.get_stats() if crawler.stats else {}
        for name, crawler in crawlers.items()
    }
