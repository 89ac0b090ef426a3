"""What `mediamon status` reports: each scheduled job's last and next run, recent failures, and
the health alerts holding now; and one run with the lines of its log that explain it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Column, Engine, Float, MetaData, String, Table, inspect, select

from mediamon.core.config import Config
from mediamon.core.models import Run, UrlFailure
from mediamon.core.names import DIGEST_JOB
from mediamon.core.runs import latest_run, recent_failures, run_by_id, settle_killed_runs
from mediamon.crawl.failures import count_url_failures, recent_url_failures
from mediamon.ops.health import Alert, current_alerts
from mediamon.ops.jobs import crawl_run_names
from mediamon.ops.run_log_lines import LogLines, read_explaining_lines
from mediamon.ops.scheduler import JOBSTORE_TABLE, JobSpec, job_specs


@dataclass(frozen=True)
class JobStatus:
    """``next_run`` is None when the scheduler has not stored the job (it never ran with it)."""

    spec: JobSpec
    last_run: Run | None
    next_run: datetime | None


@dataclass(frozen=True)
class Status:
    jobs: list[JobStatus]
    failures: list[Run]
    alerts: list[Alert]
    scheduler_seen: bool


def gather_status(engine: Engine, config: Config, failures: int = 10) -> Status:
    """Runs whose process was killed are settled first, so they show as the failures they are."""
    settle_killed_runs(engine)
    stored = stored_next_runs(engine)
    specs = job_specs(config, str(config.directory), config.settings.database_url)
    jobs = [
        JobStatus(spec, latest_run(engine, run_names(spec)), (stored or {}).get(spec.id))
        for spec in specs
    ]
    alerts = current_alerts(engine, config)
    return Status(jobs, recent_failures(engine, failures), alerts, stored is not None)


def run_names(spec: JobSpec) -> list[str]:
    """The run-history names a job's runs are recorded under."""
    return [DIGEST_JOB] if spec.id == DIGEST_JOB else crawl_run_names(spec.args[0])


def stored_next_runs(engine: Engine) -> dict[str, datetime | None] | None:
    """Job id -> next run time, from the scheduler's job store (None if it never ran here)."""
    if not inspect(engine).has_table(JOBSTORE_TABLE):
        return None
    table = Table(JOBSTORE_TABLE, MetaData(), Column("id", String), Column("next_run_time", Float))
    with engine.connect() as connection:
        rows = connection.execute(select(table.c.id, table.c.next_run_time)).all()
    return {job_id: _from_timestamp(timestamp) for job_id, timestamp in rows}


def _from_timestamp(timestamp: float | None) -> datetime | None:
    return None if timestamp is None else datetime.fromtimestamp(timestamp, UTC)


@dataclass(frozen=True)
class RunExplained:
    """A run's record and what its log says about it."""

    run: Run
    log: LogLines


def explain_run(engine: Engine, run_id: int) -> RunExplained | None:
    """Run ``run_id`` with its log's explaining lines; None when no such run is recorded."""
    settle_killed_runs(engine)
    run = run_by_id(engine, run_id)
    return None if run is None else explained(run)


def explained(run: Run) -> RunExplained:
    return RunExplained(run, read_explaining_lines(run.log_path))


@dataclass(frozen=True)
class FailedPages:
    """Pages the failure record holds: how many wait for a retry or are given up, and the most
    recent ones."""

    waiting: int
    given_up: int
    recent: list[UrlFailure]


def gather_failed_pages(engine: Engine, limit: int = 10) -> FailedPages:
    waiting, given_up = count_url_failures(engine)
    return FailedPages(waiting, given_up, recent_url_failures(engine, limit) if limit else [])
