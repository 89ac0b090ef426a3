"""Extraction in worker processes, so the reactor keeps downloading while pages are extracted.

A job carries only plain, picklable values (the page bytes, its URL and encoding, the outlet's
rules and template lines), never the engine or the config. Workers come from a forkserver: a
fresh process that imported the extraction code once, so forking a worker is cheap and never
copies the crawl's reactor, threads or database connections.

A worker that dies (segfault, out of memory) breaks the whole ``ProcessPoolExecutor``: every job
in flight fails with it. The pool is then replaced, and each of those jobs is tried once more in
a process of its own, so only the job that kills its process is lost.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import signal
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

from mediamon.core.logs import apply_library_rules
from mediamon.extract.extractor import ExtractedArticle, extract

logger = logging.getLogger(__name__)
PRELOADED_MODULES = ["mediamon.extract.extractor"]


@dataclass(frozen=True)
class ExtractionJob:
    """Everything extraction needs about one page."""

    html: bytes
    url: str
    encoding: str | None
    prune: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    template_lines: frozenset[str] = frozenset()


class ExtractionCrashed(Exception):
    """The worker process extracting a page died (not a Python exception in extraction)."""


def run_job(job: ExtractionJob) -> ExtractedArticle | None:
    return extract(
        job.html,
        job.url,
        prune=job.prune,
        phrases=job.phrases,
        template_lines=job.template_lines,
        encoding=job.encoding,
    )


Work = Callable[[ExtractionJob], "ExtractedArticle | None"]


class ExtractionPool:
    """Runs ``work`` on jobs in ``processes`` worker processes; 0 or 1 means in this process."""

    def __init__(self, processes: int, work: Work = run_job) -> None:
        self.processes = processes
        self.work = work
        self._executor: ProcessPoolExecutor | None = None

    @property
    def in_process(self) -> bool:
        return self.processes <= 1

    async def extract(self, job: ExtractionJob) -> ExtractedArticle | None:
        """The extraction of ``job``; raises ExtractionCrashed if its worker process died."""
        if self.in_process:
            return self.work(job)
        executor = self._running_executor()
        try:
            return await _submit(executor, self.work, job)
        except BrokenProcessPool:
            self._replace(executor)
            return await self._retry_alone(job)

    def shutdown(self) -> None:
        """Stop the workers; jobs still queued are cancelled (the crawl is ending)."""
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def _running_executor(self) -> ProcessPoolExecutor:
        if self._executor is None:
            self._executor = _new_executor(self.processes)
        return self._executor

    def _replace(self, broken: ProcessPoolExecutor) -> None:
        if self._executor is broken:
            logger.warning("an extraction worker died; restarting the extraction pool")
            broken.shutdown(wait=False, cancel_futures=True)
            self._executor = None

    async def _retry_alone(self, job: ExtractionJob) -> ExtractedArticle | None:
        isolated = _new_executor(1)
        try:
            return await _submit(isolated, self.work, job)
        except BrokenProcessPool as exc:
            raise ExtractionCrashed(f"the extraction worker died on {job.url}") from exc
        finally:
            isolated.shutdown(wait=False)


async def _submit(executor: Executor, work: Work, job: ExtractionJob) -> ExtractedArticle | None:
    return await asyncio.wrap_future(executor.submit(work, job))


def _new_executor(processes: int) -> ProcessPoolExecutor:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOADED_MODULES)
    return ProcessPoolExecutor(processes, mp_context=context, initializer=_prepare_worker)


def _prepare_worker(*_: Any) -> None:
    # Ctrl-C reaches the whole process group; the crawl process decides when workers stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Unconfigured, a worker would print the extraction libraries' warnings bare on stderr.
    apply_library_rules(logging.WARNING)
