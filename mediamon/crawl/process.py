"""Scrapy in this process: spiders one after another on one reactor (Twisted cannot restart),
stopped cleanly by the first SIGTERM or SIGINT; and the article worker of a distributed crawl."""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from scrapy.crawler import Crawler, CrawlerRunner
from scrapy.settings import Settings
from scrapy.utils.reactor import install_reactor

from mediamon.core.context import Context
from mediamon.core.logs import apply_library_rules
from mediamon.crawl.plan import DEADLINE_SETTING, crawl_settings
from mediamon.store.unwritable import CLOSE_REASON as UNWRITABLE_CLOSE_REASON

# Told as each spider opens (stats None) and as it finishes: (event, spider, stats).
SpiderEvents = Callable[[str, str, dict[str, Any] | None], None]


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
    apply_library_rules(settings["LOG_LEVEL"])
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
    Redis for the other workers) and the spider closes as 'finished'; a second one stops at
    once.
    """
    settings = crawl_settings(context, log_level, extra_settings)
    runner, reactor = _runner_on_reactor(settings)
    from scrapy.utils.ossignal import install_shutdown_handlers

    crawler = runner.create_crawler("articles")

    def stop_now(signum: int, _frame: Any) -> None:
        reactor.callFromThread(reactor.stop)

    def stop_gracefully(signum: int, _frame: Any) -> None:
        install_shutdown_handlers(stop_now)
        reactor.callFromThread(_finish_once_started, reactor, crawler)

    finished = runner.crawl(crawler)
    finished.addBoth(lambda _: reactor.callLater(0, reactor.stop))
    reactor.callWhenRunning(install_shutdown_handlers, stop_gracefully)
    reactor.run(installSignalHandlers=False)
    return crawler.stats.get_stats() if crawler.stats else {}


def _finish_once_started(reactor: Any, crawler: Crawler) -> None:
    """Close a worker's spider as 'finished': stopping when told is a worker's normal end, so
    its run is recorded as healthy and it exits 0 (a crawl told to stop did not finish)."""
    from scrapy.utils.defer import deferred_from_coro

    engine = crawler.engine
    if engine is not None and engine.running and engine.spider is not None:
        deferred_from_coro(engine.close_spider_async(reason="finished"))
    elif crawler.crawling:
        reactor.callLater(0.2, _finish_once_started, reactor, crawler)


def _stop_once_started(reactor: Any, runner: CrawlerRunner, crawler: Crawler) -> None:
    # Scrapy ignores a stop that comes while the engine is still starting; ask again later.
    if crawler.engine is not None and crawler.engine.running:
        runner.stop()
    elif crawler.crawling:
        reactor.callLater(0.2, _stop_once_started, reactor, runner, crawler)
