"""A crawl sharded over several processes, each crawling its own outlets with every spider.

Scrapy's per-request work runs on one core per process, so only several Scrapy processes use
every core. An outlet lives in exactly one of them, so its politeness (download slot, delay,
robots.txt) is that of a crawl of one process. Children are spawned, not forked: Twisted's state
must not be inherited. Each reports its spiders as they open and finish; the parent records the
runs under the names a crawl of one process records them under, and sums the figures.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from multiprocessing import resource_tracker
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any

from sqlalchemy import Engine

from mediamon.core.context import Context
from mediamon.core.db_errors import unwritable_reason
from mediamon.core.runs import RunRecord
from mediamon.crawl.plan import CrawlFailed, CrawlPlan, scrapy_settings
from mediamon.crawl.process import run_in_order
from mediamon.crawl.shards import ShardJob, merge_stats

RUN_RECORDER = "scrapers.extensions.RunRecorder"
CRASHED = "crashed"
STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}


@dataclass
class Shard:
    """A running crawl process, as the parent sees it."""

    job: ShardJob
    process: BaseProcess
    channel: Connection
    finished: dict[str, dict[str, Any]] = field(default_factory=dict)
    ended: bool = False

    def failure(self) -> str | None:
        """What went wrong, naming the outlets; None when the process exited cleanly."""
        code = self.process.exitcode
        if code == 0:
            return None
        if code is not None and code < 0:
            how = f"was killed by {signal.Signals(-code).name}"
        else:
            how = f"exited with code {code}"
        return f"the crawl of {', '.join(self.job.outlets)} ({self.job.name}) {how}"

    def cut_short(self, spider: str) -> bool:
        """Whether this process failed before finishing ``spider``, which it was to run."""
        return spider in self.job.spiders and spider not in self.finished and bool(self.failure())


def run_sharded(
    context: Context, plan: CrawlPlan, jobs: Sequence[ShardJob]
) -> dict[str, dict[str, Any]]:
    """Run each job in a crawl process of its own; the summed stats of each spider.

    SIGINT and SIGTERM are passed on to the processes, which stop as a crawl of one process
    does. Raises :class:`CrawlFailed` once all have ended if any failed.
    """
    runs = ShardRuns(context.engine, plan.outlets)
    spawn = multiprocessing.get_context("spawn")
    shards: list[Shard] = []
    try:
        with _passing_on_signals(shards):
            for job in jobs:
                _start(spawn, job, shards)
            _follow(shards, runs)
    finally:
        _stop_leftovers(shards)
    results = {
        name: merged_stats(shards, name)
        for name in plan.spiders
        if name in runs.ids or any(name in shard.finished for shard in shards)
    }
    for name, stats in results.items():
        runs.finish(name, stats, [s.failure() or "" for s in shards if s.cut_short(name)])
    failures = [failure for shard in shards if (failure := shard.failure())]
    if failures:
        raise CrawlFailed(failures, results)
    return results


def _start(spawn: Any, job: ShardJob, shards: list[Shard]) -> None:
    """Start a crawl process for ``job``, one of ``shards`` (those signals are passed on to).

    It starts with SIGINT and SIGTERM held back (the mask is inherited) until its crawl can stop
    cleanly: one passed on while it starts then stops it as it would later.
    """
    receiver, sender = spawn.Pipe(duplex=False)
    process = spawn.Process(target=crawl_shard, args=(job, sender), name=job.label)
    # Starting the resource tracker would unblock the signals blocked here: start it first.
    resource_tracker.ensure_running()
    held = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        shards.append(Shard(job, process, receiver))
        process.start()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
        sender.close()  # the parent keeps no sending end: a dead child means end of file


def _follow(shards: Sequence[Shard], runs: ShardRuns) -> None:
    """Take in what the processes report until every one has ended."""
    channels: dict[Any, Shard] = {shard.channel: shard for shard in shards}
    sentinels = {shard.process.sentinel: shard for shard in shards}
    while sentinels:
        for ready in wait([*channels, *sentinels]):
            if isinstance(ready, int):
                shard = sentinels.pop(ready)
                shard.process.join()
                _drain(shard, runs)
                channels.pop(shard.channel, None)
                shard.channel.close()
                shard.ended = True
            elif ready in channels and not _receive(channels[ready], runs):
                channels.pop(ready)


def _receive(shard: Shard, runs: ShardRuns) -> bool:
    """Take one report; False at the end of the channel."""
    try:
        event, spider, stats = shard.channel.recv()
    except (EOFError, OSError):
        return False
    if event == "opened":
        runs.opened(spider)
    else:
        shard.finished[spider] = stats
    return True


def _drain(shard: Shard, runs: ShardRuns) -> None:
    # A process that has ended may have reported more than was read.
    with contextlib.suppress(OSError):
        while shard.channel.poll() and _receive(shard, runs):
            pass


@contextlib.contextmanager
def _passing_on_signals(shards: Sequence[Shard]) -> Iterator[None]:
    """SIGINT and SIGTERM to this process become SIGTERM to each crawl process still running."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def pass_on(signum: int, _frame: Any) -> None:
        for shard in shards:
            pid = shard.process.pid
            if not shard.ended and pid is not None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGTERM)

    previous = {
        signum: signal.signal(signum, pass_on) for signum in (signal.SIGINT, signal.SIGTERM)
    }
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _stop_leftovers(shards: Sequence[Shard]) -> None:
    """Stop processes still running when the parent gives up on them (its own error)."""
    for shard in shards:
        if shard.process.is_alive():
            shard.process.terminate()
            shard.process.join(30)
            if shard.process.is_alive():
                shard.process.kill()
                shard.process.join()


def merged_stats(shards: Sequence[Shard], spider: str) -> dict[str, Any]:
    """The stats of ``spider`` over the processes; 'crashed' when one failed before its end."""
    merged = merge_stats([shard.finished[spider] for shard in shards if spider in shard.finished])
    if any(shard.cut_short(spider) for shard in shards):
        merged["finish_reason"] = CRASHED
    return merged


class ShardRuns:
    """The run records of a sharded crawl: one per spider, as a crawl of one process has.

    A database that refuses writes gets no further records: ``unwritable`` says why, and the
    crawl processes, which cannot store either, say so in their stats.
    """

    def __init__(self, engine: Engine, outlets: Sequence[str]) -> None:
        self.engine = engine
        self.outlets = outlets
        self.records: dict[str, RunRecord] = {}
        self.unwritable: str | None = None

    @property
    def ids(self) -> dict[str, int]:
        """The run id of each spider opened so far."""
        return {spider: record.id for spider, record in self.records.items()}

    def opened(self, spider: str) -> None:
        from mediamon.core.names import crawl_run_name

        if spider not in self.records and self.unwritable is None:
            with self._writing():
                name = crawl_run_name(spider, self.outlets)
                self.records[spider] = RunRecord.start(self.engine, name)

    def finish(self, spider: str, stats: dict[str, Any], failures: list[str]) -> None:
        self.opened(spider)
        if spider not in self.records or self.unwritable is not None:
            return
        reason = str(stats.get("finish_reason", CRASHED))
        with self._writing():
            self.records[spider].finish_crawl(reason, stats, failures)

    @contextlib.contextmanager
    def _writing(self) -> Iterator[None]:
        try:
            yield
        except Exception as exc:
            reason = unwritable_reason(exc)
            if reason is None:
                raise
            self.unwritable = reason


def crawl_shard(job: ShardJob, channel: Connection) -> None:
    """A crawl process: the job's outlets with its spiders in order, each reported to the parent
    as it opens and as it finishes."""
    os.setpgid(0, 0)  # a Ctrl-C at the terminal reaches the parent only; it passes it on
    _exit_with_parent()
    settings = scrapy_settings(job.config_dir, job.database_url, job.log_level, job.settings)
    extensions = settings.getdict("EXTENSIONS")
    extensions[RUN_RECORDER] = None  # the parent records the runs of the whole crawl
    settings.set("EXTENSIONS", extensions, priority="cmdline")
    label = job.label.replace("%", "%%")
    settings.set("LOG_FORMAT", f"[{label}] {settings['LOG_FORMAT']}", priority="cmdline")
    reported: set[str] = set()

    def report(event: str, spider: str, stats: dict[str, Any] | None) -> None:
        channel.send((event, spider, stats))
        if event == "finished":
            reported.add(spider)

    results = run_in_order(settings, job.spiders, job.arguments, report)
    for spider, stats in results.items():  # spiders stopped at once by a second signal
        if spider not in reported:
            report("finished", spider, stats)
    channel.close()


def _exit_with_parent() -> None:
    """End this process at once when the parent dies (killed, say): nobody would stop it."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        wait([parent.sentinel])
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()
