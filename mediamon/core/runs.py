"""Run history: every job run (a crawl, a digest) is recorded with its outcome and counts.

This module is the one writer of run records: a job records its own run with a
:class:`RunRecord` (``start``, then ``finish`` or ``fail``; a crawl's from its Scrapy stats with
``finish_crawl``), and the scheduler settles the runs of a child process with
:class:`ChildRuns`.

A run records the process recording it (pid and host name). A process killed outright (SIGKILL,
the machine's OOM killer) cannot finish its run; the next run started on the same host settles
such a run as 'killed' (see :func:`settle_killed_runs`).
"""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session

from mediamon.core import stat_keys
from mediamon.core.models import Run, utcnow

KILLED = "killed"
FAILED = "failed"
# Close reasons of a crawl that did what it was asked (backfill --limit stops at its count).
ENDED_AS_ASKED = ("finished", "closespider_itemcount")
# The crawl stats a crawl's run keeps.
KEPT_STATS = ("mediamon/", "item_scraped_count", "item_dropped_count", "downloader/response_status")


@dataclass(frozen=True)
class RunRecord:
    """The record of one run of ``job`` by this process, from its start to its outcome."""

    engine: Engine
    id: int
    job: str

    @classmethod
    def start(cls, engine: Engine, job: str) -> RunRecord:
        """Record the start of a run of ``job``; first settle the killed runs of this host."""
        return cls(engine, start_run(engine, job), job)

    def finish(
        self, outcome: str, counts: dict[str, Any] | None = None, errors: Sequence[str] = ()
    ) -> None:
        finish_run(self.engine, self.id, outcome, counts or {}, list(errors))

    def fail(self, error: BaseException | str, counts: dict[str, Any] | None = None) -> None:
        """Record the run as 'failed', with the error's message."""
        self.finish(FAILED, counts, [str(error)])

    def finish_crawl(
        self, reason: str, stats: Mapping[str, Any], failures: Sequence[str] = ()
    ) -> None:
        """Record a crawl's outcome from Scrapy's close ``reason`` and its stats: the kept
        counts, the number of errors it logged, and ``failures`` (e.g. a crawl process died)."""
        counts = {key: value for key, value in stats.items() if key.startswith(KEPT_STATS)}
        self.finish(crawl_outcome(reason, stats), counts, [*crawl_messages(stats), *failures])


def crawl_outcome(reason: str, stats: Mapping[str, Any]) -> str:
    """What became of a crawl (one spider's), from Scrapy's close ``reason`` and its stats.

    Scrapy's reason when the crawl did not finish (e.g. 'shutdown', 'closespider_timeout',
    'db_unwritable', 'crashed'); else 'not_stored' (articles fetched but not stored), 'errors'
    (errors logged: a bug), 'nothing_collected' (every source failed), 'sources_failed' (some
    did), or 'ok'. ``mediamon.core.exit_codes`` turns it into the command's exit code.
    """
    if reason not in ENDED_AS_ASKED:
        return reason
    answered = int(stats.get(stat_keys.SOURCES_ANSWERED, 0))
    failed = int(stats.get(stat_keys.SOURCES_FAILED, 0))
    if int(stats.get(stat_keys.STORE_FAILED, 0)):
        return "not_stored"
    if int(stats.get("log_count/ERROR", 0)):
        return "errors"
    if failed:
        return "sources_failed" if answered else "nothing_collected"
    return "ok"


def crawl_messages(stats: Mapping[str, Any]) -> list[str]:
    """What the run record says of a crawl's failures, in one line each."""
    messages = []
    if failed := int(stats.get(stat_keys.SOURCES_FAILED, 0)):
        answered = int(stats.get(stat_keys.SOURCES_ANSWERED, 0))
        messages.append(f"{failed} of {failed + answered} sources failed")
    if not_stored := int(stats.get(stat_keys.STORE_FAILED, 0)):
        messages.append(f"{not_stored} articles not stored")
    if errors := int(stats.get("log_count/ERROR", 0)):
        messages.append(f"{errors} errors logged")
    return messages


def start_run(engine: Engine, job: str) -> int:
    """Record the start of a run of ``job`` by this process; first settle killed runs."""
    settle_killed_runs(engine)
    with Session(engine) as session, session.begin():
        run = Run(job=job, started_at=utcnow(), outcome="running", counts={}, errors=[])
        run.pid, run.host = os.getpid(), socket.gethostname()
        session.add(run)
        session.flush()
        return run.id


def finish_run(
    engine: Engine, run_id: int, outcome: str, counts: dict[str, Any], errors: list[str]
) -> None:
    with Session(engine) as session, session.begin():
        run = session.get(Run, run_id)
        if run is None:
            raise LookupError(f"run {run_id} is not recorded")
        run.finished_at = utcnow()
        run.outcome = outcome
        run.counts = counts
        run.errors = errors


def settle_killed_runs(engine: Engine) -> list[int]:
    """Record as 'killed' the runs still 'running' whose process is gone from this host; return
    their ids. When it died is unknown, so they get no ``finished_at``.

    Runs of other hosts (their processes cannot be seen from here), of this process, and those
    recorded before runs had a pid are left alone.
    """
    host, me = socket.gethostname(), os.getpid()
    query = select(Run.id, Run.pid, Run.errors).where(
        Run.outcome == "running", Run.host == host, Run.pid.is_not(None), Run.pid != me
    )
    with Session(engine) as session:
        gone = [row for row in session.execute(query) if not process_exists(row.pid)]
    settled = []
    with engine.begin() as connection:
        for run_id, pid, errors in gone:
            message = f"process {pid} on {host} ended without finishing the run (killed?)"
            # only if still running: whoever settled it meanwhile (the scheduler) knows better
            still_running = update(Run).where(Run.id == run_id, Run.outcome == "running")
            changed = connection.execute(
                still_running.values(outcome=KILLED, errors=[*(errors or []), message])
            )
            if changed.rowcount:
                settled.append(run_id)
    return settled


def process_exists(pid: int) -> bool:
    """Whether process ``pid`` is running here (a zombie has ended: it only awaits its parent)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            state = stat.read().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state not in ("Z", "X")


# What a child records when it could not finish (Scrapy says 'shutdown' after a SIGTERM), or what
# another process guessed for it: the scheduler knows better why. A run the child finished
# otherwise keeps its own outcome.
SUPERSEDED_OUTCOMES = ("running", "shutdown", KILLED)


class ChildRuns:
    """The runs a child process records (under ``jobs``), settled by its parent when it exits:
    created just before the child starts."""

    def __init__(self, engine: Engine, jobs: Sequence[str]) -> None:
        self.engine = engine
        self.jobs = list(jobs)
        self.after_id = last_run_id(engine)
        self.started_at = utcnow()

    def settle(
        self, verdict: str | None, errors: list[str], log_path: str | None = None
    ) -> list[Run]:
        """See :func:`settle_child_runs`."""
        return settle_child_runs(
            self.engine, self.jobs, self.after_id, verdict, errors, self.started_at, log_path
        )


def last_run_id(engine: Engine) -> int:
    """The id of the newest run recorded so far (0 when none): later runs have larger ids."""
    with Session(engine) as session:
        return session.scalar(select(func.max(Run.id))) or 0


def settle_child_runs(
    engine: Engine,
    jobs: Sequence[str],
    after_id: int,
    verdict: str | None,
    errors: list[str],
    started_at: datetime | None = None,
    log_path: str | None = None,
) -> list[Run]:
    """Close the record of a run a child process made (or should have made) after ``after_id``.

    ``verdict`` None means the child exited cleanly and its own record stands. Otherwise (e.g.
    'crashed', 'timeout') the verdict replaces an outcome in :data:`SUPERSEDED_OUTCOMES` and is
    added to the errors of any other. A child that recorded nothing gets a run under
    ``jobs[0]``. ``log_path``, the file holding the child's output, is recorded on every run.
    """
    with Session(engine, expire_on_commit=False) as session, session.begin():
        query = select(Run).where(Run.id > after_id, Run.job.in_(list(jobs))).order_by(Run.id)
        runs = list(session.scalars(query))
        if not runs:
            runs = [_unrecorded_run(session, jobs[0], verdict, started_at or utcnow())]
        for run in runs:
            run.log_path = log_path
            _apply_verdict(run, verdict, errors)
        return runs


def _unrecorded_run(session: Session, job: str, verdict: str | None, started_at: datetime) -> Run:
    message = "the process recorded no run" + ("" if verdict else " although it exited cleanly")
    run = Run(job=job, started_at=started_at, finished_at=utcnow(), counts={}, errors=[message])
    run.outcome = verdict or "unrecorded"
    session.add(run)
    return run


def _apply_verdict(run: Run, verdict: str | None, errors: list[str]) -> None:
    if verdict is None and run.outcome != "running":
        return
    if run.outcome in SUPERSEDED_OUTCOMES:
        run.outcome = verdict or "unfinished"
    run.errors = [*(run.errors or []), *errors]
    if run.finished_at is None:
        run.finished_at = utcnow()


HEALTHY_OUTCOMES = ("ok", "running", "alerts")


def latest_run(engine: Engine, jobs: Sequence[str]) -> Run | None:
    """The newest run recorded under any of ``jobs``."""
    query = select(Run).where(Run.job.in_(list(jobs))).order_by(Run.id.desc()).limit(1)
    with Session(engine) as session:
        return session.scalar(query)


def run_by_id(engine: Engine, run_id: int) -> Run | None:
    with Session(engine) as session:
        return session.get(Run, run_id)


def recent_failures(engine: Engine, limit: int = 10) -> list[Run]:
    """The newest runs that did not end well (crashes, timeouts, errors...), newest first."""
    query = select(Run).where(Run.outcome.not_in(HEALTHY_OUTCOMES)).order_by(Run.id.desc())
    with Session(engine) as session:
        return list(session.scalars(query.limit(limit)))
