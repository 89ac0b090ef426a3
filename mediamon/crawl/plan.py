"""A crawl asked for: which spiders it needs, for which outlets, with which Scrapy settings; and
how it can fail."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from scrapy.settings import Settings

from mediamon.core.config import Outlet
from mediamon.core.context import Context
from mediamon.core.names import CONFIG_SETTING, CRAWL_SPIDERS, DATABASE_SETTING
from mediamon.core.sources import source_kind

SPIDERS = CRAWL_SPIDERS
# When the whole crawl must end (epoch seconds): each spider, started in turn, gets what is left
# as its CLOSESPIDER_TIMEOUT.
DEADLINE_SETTING = "MEDIAMON_CRAWL_DEADLINE"
TIMED_OUT = "closespider_timeout"


class CrawlFailed(Exception):
    """Crawl processes of a sharded crawl failed; ``results`` holds what the others did."""

    def __init__(self, failures: list[str], results: dict[str, dict[str, Any]]) -> None:
        super().__init__("; ".join(failures))
        self.failures = failures
        self.results = results


class CrawlTimeLimit(CrawlFailed):
    """The crawl's wall-clock limit ended it before its end; ``results`` holds what it did."""

    def __init__(self, limit: float, results: dict[str, dict[str, Any]]) -> None:
        message = (
            f"the crawl reached its time limit of {limit:g} s (crawling.time_limit_seconds, "
            "or --time-limit) before its end"
        )
        super().__init__([message], results)


@dataclass(frozen=True)
class CrawlPlan:
    """A crawl asked for: its needed spiders, its outlets (none: all), its options."""

    spiders: list[str]
    outlets: list[str]
    windowed: bool
    log_level: str
    extra_settings: dict[str, Any] | None
    spider_args: dict[str, str] | None

    def arguments(self, outlets: Sequence[str]) -> dict[str, Any]:
        """The spiders' arguments for a crawl of ``outlets``."""
        return {"outlet": ",".join(outlets) or None, **(self.spider_args or {})}


def crawl_settings(
    context: Context, log_level: str = "WARNING", extra: dict[str, Any] | None = None
) -> Settings:
    config_dir, database_url = str(context.config.directory), context.config.settings.database_url
    return scrapy_settings(config_dir, database_url, log_level, extra)


def scrapy_settings(
    config_dir: str, database_url: str, log_level: str, extra: dict[str, Any] | None = None
) -> Settings:
    """The project's Scrapy settings for this config and database, ``extra`` on top."""
    settings = Settings()
    settings.setmodule("scrapers.settings", priority="project")
    settings.set(CONFIG_SETTING, config_dir, priority="cmdline")
    settings.set(DATABASE_SETTING, database_url, priority="cmdline")
    settings.set("LOG_LEVEL", log_level, priority="cmdline")
    for name, value in (extra or {}).items():
        settings.set(name, value, priority="cmdline")
    return settings


def needed_spiders(
    context: Context, spiders: Sequence[str], outlets: Sequence[str], windowed: bool = False
) -> list[str]:
    """The spiders among ``spiders`` that have something to crawl for the selected outlets."""
    selected = [context.config.outlet(o) for o in outlets] or context.config.outlets
    return [name for name in spiders if any(has_sources(name, o, windowed) for o in selected)]


def has_sources(spider: str, outlet: Outlet, windowed: bool) -> bool:
    return source_kind(spider).has_sources(outlet, windowed)
