"""Run mediamon's spiders in this process (one crawl per process: Twisted cannot restart).

Spiders run one after another, so a later one sees what an earlier one stored and never fetches
it again; a spider none of the selected outlets has sources for is not started at all.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from scrapy.crawler import Crawler, CrawlerRunner
from scrapy.settings import Settings
from scrapy.utils.reactor import install_reactor

from mediamon.config import Outlet
from mediamon.context import CONFIG_SETTING, DATABASE_SETTING, Context

SPIDERS = ("feeds", "sitemaps", "sections")


def crawl_settings(context: Context, log_level: str = "WARNING") -> Settings:
    settings = Settings()
    settings.setmodule("scrapers.settings", priority="project")
    settings.set(CONFIG_SETTING, str(context.config.directory), priority="cmdline")
    settings.set(DATABASE_SETTING, context.config.settings.database_url, priority="cmdline")
    settings.set("LOG_LEVEL", log_level, priority="cmdline")
    return settings


def needed_spiders(
    context: Context, spiders: Sequence[str], outlets: Sequence[str], windowed: bool = False
) -> list[str]:
    """The spiders among ``spiders`` that have something to crawl for the selected outlets."""
    selected = [context.config.outlet(o) for o in outlets] or context.config.outlets
    return [name for name in spiders if any(has_sources(name, o, windowed) for o in selected)]


def has_sources(spider: str, outlet: Outlet, windowed: bool) -> bool:
    if spider == "feeds":
        return bool(outlet.feeds) and not windowed
    if spider == "sitemaps":
        return windowed or bool(outlet.sitemaps)
    return bool(outlet.archives if windowed else outlet.sections)


def run_crawl(
    context: Context,
    spiders: Sequence[str] = SPIDERS,
    outlets: Sequence[str] = (),
    log_level: str = "WARNING",
    extra_settings: dict[str, Any] | None = None,
    spider_args: dict[str, str] | None = None,
) -> dict[str, dict[str, Any]]:
    """Crawl with each needed spider, one after another; return each spider's final stats."""
    settings = crawl_settings(context, log_level)
    for name, value in (extra_settings or {}).items():
        settings.set(name, value, priority="cmdline")
    windowed = bool(spider_args and (spider_args.get("since") or spider_args.get("until")))
    names = needed_spiders(context, spiders, outlets, windowed)
    arguments = {"outlet": ",".join(outlets) or None, **(spider_args or {})}
    crawlers = _run_in_order(settings, names, arguments)
    return {c.spidercls.name: c.stats.get_stats() if c.stats else {} for c in crawlers}


def _run_in_order(settings: Settings, names: list[str], arguments: dict[str, Any]) -> list[Crawler]:
    install_reactor(settings["TWISTED_REACTOR"])
    from scrapy.utils.log import configure_logging
    from twisted.internet import defer, reactor

    # Scrapy owns logging during a crawl, at the crawl's LOG_LEVEL; a handler installed
    # earlier (the CLI's) would print every record Scrapy's NOTSET root lets through.
    for handler in list(logging.root.handlers):
        logging.root.removeHandler(handler)
    configure_logging(settings)
    runner = CrawlerRunner(settings)
    crawlers = [runner.create_crawler(name) for name in names]

    @defer.inlineCallbacks
    def crawl_all() -> Any:
        for crawler in crawlers:
            yield runner.crawl(crawler, **arguments)
        reactor.stop()  # type: ignore[misc]

    if crawlers:
        crawl_all()
        reactor.run()  # type: ignore[misc]
    return crawlers


def run_worker(
    context: Context, extra_settings: dict[str, Any], log_level: str = "WARNING"
) -> dict[str, Any]:
    """Run the article spider of a distributed crawl until it stops; return its final stats.

    The first SIGTERM or SIGINT lets the requests in flight finish (the queued ones stay in
    Redis for the other workers); a second one stops at once.
    """
    settings = crawl_settings(context, log_level)
    for name, value in extra_settings.items():
        settings.set(name, value, priority="cmdline")
    install_reactor(settings["TWISTED_REACTOR"])
    from scrapy.utils.log import configure_logging
    from scrapy.utils.ossignal import install_shutdown_handlers
    from twisted.internet import reactor as twisted_reactor

    reactor: Any = twisted_reactor  # its interfaces are not typed for direct use

    for handler in list(logging.root.handlers):
        logging.root.removeHandler(handler)
    configure_logging(settings)
    runner = CrawlerRunner(settings)
    crawler = runner.create_crawler("articles")

    def stop_now(signum: int, _frame: Any) -> None:
        reactor.callFromThread(reactor.stop)

    def stop_gracefully(signum: int, _frame: Any) -> None:
        install_shutdown_handlers(stop_now)
        reactor.callFromThread(_stop_once_started, reactor, runner, crawler)

    finished = runner.crawl(crawler)
    finished.addBoth(lambda _: reactor.callLater(0, reactor.stop))
    reactor.callWhenRunning(install_shutdown_handlers, stop_gracefully)
    reactor.run(installSignalHandlers=False)
    return crawler.stats.get_stats() if crawler.stats else {}


def _stop_once_started(reactor: Any, runner: CrawlerRunner, crawler: Crawler) -> None:
    # Scrapy ignores a stop that comes while the engine is still starting; ask again later.
    if crawler.engine is not None and crawler.engine.running:
        runner.stop()
    elif crawler.crawling:
        reactor.callLater(0.2, _stop_once_started, reactor, runner, crawler)
