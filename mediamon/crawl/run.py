"""Run mediamon's spiders: in this process, or sharded over several crawl processes.

One crawl per process (Twisted cannot restart). Spiders run one after another, so a later one
sees what an earlier one stored and never fetches it again; a spider none of the selected outlets
has sources for is not started at all. A crawl of several processes (:mod:`mediamon.crawl.sharded`)
gives each its own outlets and runs this same crawl in each.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from scrapy.crawler import Crawler, CrawlerRunner
from scrapy.settings import Settings
from scrapy.utils.reactor import install_reactor

from mediamon.core.config import Outlet
from mediamon.core.context import CONFIG_SETTING, DATABASE_SETTING, Context
from mediamon.core.names import CRAWL_SPIDERS
from mediamon.core.sources import source_kind
from mediamon.store.unwritable import CLOSE_REASON as UNWRITABLE_CLOSE_REASON

SPIDERS = CRAWL_SPIDERS
# When the whole crawl must end (epoch seconds): each spider, started in turn, gets what is left
# as its CLOSESPIDER_TIMEOUT.
DEADLINE_SETTING = "MEDIAMON_CRAWL_DEADLINE"
TIMED_OUT = "closespider_timeout"

# Told as each spider opens (stats None) and as it finishes: (event, spider, stats).
SpiderEvents = Callable[[str, str, dict[str, Any] | None], None]


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


def run_crawl(
    context: Context,
    spiders: Sequence[str] = SPIDERS,
    outlets: Sequence[str] = (),
    log_level: str = "WARNING",
    extra_settings: dict[str, Any] | None = None,
    spider_args: dict[str, str] | None = None,
    processes: int | None = None,
    time_limit: float | None = None,
) -> dict[str, dict[str, Any]]:
    """Crawl with each needed spider, one after another; return each spider's final stats.

    The whole crawl ends within ``time_limit`` seconds (default: settings.yaml
    ``crawling.time_limit_seconds``); :class:`CrawlTimeLimit` says when it was reached.

    ``processes`` (default: settings.yaml ``crawling.crawl_processes``, else one per CPU core,
    never more than the outlets to crawl) above 1 shards the outlets over that many crawl
    processes, and the stats are summed over them; :class:`CrawlFailed` says which outlets'
    process failed, after the others finished. 1 crawls in this process.
    """
    from mediamon.crawl.sharded import plan_shards, run_sharded

    windowed = bool(spider_args and (spider_args.get("since") or spider_args.get("until")))
    names = needed_spiders(context, spiders, outlets, windowed)
    limit = time_limit or context.config.settings.crawling.time_limit_seconds
    extra = {**(extra_settings or {}), DEADLINE_SETTING: time.time() + limit}
    plan = CrawlPlan(names, list(outlets), windowed, log_level, extra, spider_args)
    shards = plan_shards(context, plan, processes)
    if len(shards) > 1:
        results = run_sharded(context, plan, shards)
    else:
        settings = crawl_settings(context, log_level, extra)
        results = run_in_order(settings, names, plan.arguments(outlets))
    if any(stats.get("finish_reason") == TIMED_OUT for stats in results.values()):
        raise CrawlTimeLimit(limit, results)
    return results


def run_in_order(
    settings: Settings,
    names: Sequence[str],
    arguments: dict[str, Any],
    events: SpiderEvents | None = None,
) -> dict[str, dict[str, Any]]:
    """Run the spiders ``names`` one after another; the final stats of each that started.

    The first SIGTERM or SIGINT lets the requests in flight finish and starts no further spider
    (the stopped one finishes as 'shutdown'); a second one stops at once. A spider closed
    because the database refuses writes starts no further spider either.
    """
    runner, reactor = _runner_on_reactor(settings)
    from twisted.internet import defer
    from twisted.python.failure import Failure

    crawlers = [runner.create_crawler(name) for name in names]
    started: list[Crawler] = []
    failures: list[Failure] = []
    stopping = threading.Event()
    tell = events or (lambda event, spider, stats: None)

    @defer.inlineCallbacks
    def crawl_all() -> Any:
        for crawler in crawlers:
            if stopping.is_set():
                break
            tell("opened", crawler.spidercls.name, None)
            started.append(crawler)
            _close_by_deadline(crawler)
            yield runner.crawl(crawler, **arguments)
            tell("finished", crawler.spidercls.name, _stats(crawler))
            if _stats(crawler).get("finish_reason") == UNWRITABLE_CLOSE_REASON:
                break  # the next spider could not store anything either

    def stop_now(signum: int, _frame: Any) -> None:
        reactor.callFromThread(reactor.stop)

    def stop_gracefully(signum: int, _frame: Any) -> None:
        from scrapy.utils.ossignal import install_shutdown_handlers

        stopping.set()
        install_shutdown_handlers(stop_now)
        if started:
            reactor.callFromThread(_stop_once_started, reactor, runner, started[-1])

    if crawlers:
        finished = crawl_all()
        finished.addErrback(failures.append)
        finished.addBoth(lambda _: reactor.callLater(0, reactor.stop))
        reactor.callWhenRunning(_install_stop_handlers, stop_gracefully)
        reactor.run(installSignalHandlers=False)
    if failures:
        failures[0].raiseException()
    return {crawler.spidercls.name: _stats(crawler) for crawler in started}


def _close_by_deadline(crawler: Crawler) -> None:
    """Give a spider about to start what is left of the crawl's time as its CLOSESPIDER_TIMEOUT
    (a moment when nothing is left: it closes at once, as timed out)."""
    deadline = crawler.settings.getfloat(DEADLINE_SETTING)
    if deadline:
        left = max(deadline - time.time(), 0.001)
        crawler.settings.set("CLOSESPIDER_TIMEOUT", left, priority="cmdline")


def _runner_on_reactor(settings: Settings) -> tuple[CrawlerRunner, Any]:
    """A CrawlerRunner and its reactor (typed Any: its interfaces are not), Scrapy logging."""
    install_reactor(settings["TWISTED_REACTOR"])
    from scrapy.utils.log import configure_logging
    from twisted.internet import reactor

    # Scrapy owns logging during a crawl, at the crawl's LOG_LEVEL; a handler installed
    # earlier (the CLI's) would print every record Scrapy's NOTSET root lets through.
    for handler in list(logging.root.handlers):
        logging.root.removeHandler(handler)
    configure_logging(settings)
    return CrawlerRunner(settings), reactor


def _install_stop_handlers(handler: Callable[[int, Any], None]) -> None:
    from scrapy.utils.ossignal import install_shutdown_handlers

    if threading.current_thread() is threading.main_thread():  # signals reach only that one
        install_shutdown_handlers(handler)
        # A sharded crawl starts its processes with these held back until now.
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})


def _stats(crawler: Crawler) -> dict[str, Any]:
    try:
        return dict(crawler.stats.get_stats()) if crawler.stats else {}
    except RuntimeError:  # the crawl failed before its stats existed
        return {}


def run_worker(
    context: Context, extra_settings: dict[str, Any], log_level: str = "WARNING"
) -> dict[str, Any]:
    """Run the article spider of a distributed crawl until it stops; return its final stats.

    The first SIGTERM or SIGINT lets the requests in flight finish (the queued ones stay in
    Redis for the other workers); a second one stops at once.
    """
    settings = crawl_settings(context, log_level, extra_settings)
    runner, reactor = _runner_on_reactor(settings)
    from scrapy.utils.ossignal import install_shutdown_handlers

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
