"""The scheduler behind `mediamon run` and scheduler.py: cron jobs from the config, kept in the
database, each run in a child process.

One crawl job per cron expression polls every outlet with that schedule in one ``mediamon
crawl`` process; the digest is a job of its own. Jobs live in the project's database
(APScheduler's ``apscheduler_jobs`` table), never overlap themselves (``max_instances=1``), and
after downtime run once (``coalesce``) if they are late by less than
``scheduler.misfire_grace_time``. SIGTERM or SIGINT stops the scheduler: no new runs start,
running children get SIGTERM, and after ``scheduler.stop_grace`` seconds SIGKILL. SIGHUP (or an
edited config file) reloads the configuration.
"""

from __future__ import annotations

import logging
import signal
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

from apscheduler.events import (
    EVENT_JOB_SUBMITTED,
    EVENT_SCHEDULER_START,
    JobSubmissionEvent,
    SchedulerEvent,
)
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import Engine

from mediamon.core.config import Config, resolve_config_dir
from mediamon.core.cron import cron_trigger
from mediamon.core.models import utcnow
from mediamon.core.names import ALERTS_JOB, ALERTS_SCHEDULE, CRAWL_JOB_PREFIX, DIGEST_JOB
from mediamon.core.runs import settle_killed_runs
from mediamon.ops.jobs import activate, alerts_job, crawl_job, digest_job, engine_for
from mediamon.ops.reload import ConfigWatcher
from mediamon.ops.supervise import CHILDREN

logger = logging.getLogger(__name__)

JOBSTORE_TABLE = "apscheduler_jobs"


@dataclass(frozen=True)
class JobSpec:
    """One job as the configuration asks for it."""

    id: str
    name: str
    func: Callable[..., str]
    args: list[Any]
    trigger: CronTrigger


def job_specs(config: Config, source_dir: str, database_url: str) -> list[JobSpec]:
    """A crawl job per distinct outlet schedule, the digest job, and with subscriptions in
    alerts.yaml the alerts job (each minute)."""
    zone = config.settings.zone
    groups: dict[str, list[str]] = {}
    for outlet in config.outlets:
        groups.setdefault(outlet.schedule, []).append(outlet.id)
    specs = [
        JobSpec(
            id=f"{CRAWL_JOB_PREFIX}{schedule}",
            name=f"crawl {', '.join(outlet_ids)}",
            func=crawl_job,
            args=[outlet_ids, source_dir, database_url],
            trigger=cron_trigger(schedule, zone),
        )
        for schedule, outlet_ids in groups.items()
    ]
    digest_trigger = cron_trigger(config.settings.digest.schedule, zone)
    specs.append(
        JobSpec(DIGEST_JOB, "digest", digest_job, [source_dir, database_url], digest_trigger)
    )
    if config.alerts.subscriptions:
        alerts_trigger = cron_trigger(ALERTS_SCHEDULE, zone)
        specs.append(
            JobSpec(ALERTS_JOB, "alerts", alerts_job, [source_dir, database_url], alerts_trigger)
        )
    return specs


def sync_jobs(scheduler: BaseScheduler, specs: list[JobSpec], misfire_grace_time: int) -> None:
    """Make the scheduler's jobs match ``specs``, keeping the due times of unchanged schedules.

    Keeping them is what makes a run missed during downtime happen after a restart.
    """
    wanted = {spec.id for spec in specs}
    for job in scheduler.get_jobs():
        if job.id not in wanted:
            logger.info("removing job %s (no longer configured)", job.id)
            job.remove()
    for spec in specs:
        _sync_job(scheduler, spec, misfire_grace_time)


def _sync_job(scheduler: BaseScheduler, spec: JobSpec, misfire_grace_time: int) -> None:
    options: dict[str, Any] = {
        "name": spec.name,
        "args": spec.args,
        "max_instances": 1,
        "coalesce": True,
        "misfire_grace_time": misfire_grace_time,
    }
    job = scheduler.get_job(spec.id)
    if job is None:
        logger.info("adding job %s: %s", spec.id, spec.name)
        scheduler.add_job(spec.func, spec.trigger, id=spec.id, **options)
        return
    scheduler.modify_job(spec.id, func=spec.func, **options)
    if repr(job.trigger) != repr(spec.trigger):
        logger.info("rescheduling job %s: %s", spec.id, spec.trigger)
        scheduler.reschedule_job(spec.id, trigger=spec.trigger)


def build_scheduler(engine: Engine, config: Config) -> tuple[BlockingScheduler, ThreadPoolExecutor]:
    settings = config.settings
    executor = ThreadPoolExecutor(max_workers=settings.scheduler.max_parallel_jobs)
    scheduler = BlockingScheduler(
        jobstores={"default": SQLAlchemyJobStore(engine=engine, tablename=JOBSTORE_TABLE)},
        executors={"default": executor},
        timezone=settings.zone,
    )
    return scheduler, executor


def log_submission(event: JobSubmissionEvent) -> None:
    """Say which due time a run is for: after downtime, the one catch-up run is visible."""
    due = event.scheduled_run_times[-1]
    late = (utcnow() - due).total_seconds()
    logger.info("job %s: run due at %s (%.1fs late)", event.job_id, due.isoformat(), late)


class SchedulerRunner:
    """Runs the scheduler in the foreground until a signal stops it."""

    def __init__(self, config_dir: str | None, database_url: str | None) -> None:
        self.source_dir = str(resolve_config_dir(config_dir).resolve())
        self.watcher = ConfigWatcher(Path(self.source_dir), database_url)
        self.database_url = self.watcher.current.settings.database_url
        engine = engine_for(self.database_url)
        settle_killed_runs(engine)  # crawls a killed scheduler left behind
        self.scheduler, self.executor = build_scheduler(engine, self.watcher.current)
        self._stop_requested = False
        self._startup_error: Exception | None = None

    def run(self) -> None:
        """Block until SIGTERM/SIGINT; then stop running children and wait for their jobs."""
        self.watcher.apply = self.apply
        self.scheduler.add_listener(self._on_start, EVENT_SCHEDULER_START)
        self.scheduler.add_listener(log_submission, EVENT_JOB_SUBMITTED)
        self._install_signal_handlers()
        logger.info(
            "scheduler starting: config %s, database %s", self.source_dir, self.database_url
        )
        try:
            self.scheduler.start()
        finally:
            self.watcher.stop()
            CHILDREN.stop_all(self.watcher.current.settings.scheduler.stop_grace)
            self.executor.shutdown(wait=True)
            logger.info("scheduler stopped")
        if self._startup_error is not None:
            raise self._startup_error

    def apply(self, config: Config) -> None:
        activate(self.source_dir, config)
        specs = job_specs(config, self.source_dir, self.database_url)
        sync_jobs(self.scheduler, specs, config.settings.scheduler.misfire_grace_time)

    def _on_start(self, _event: SchedulerEvent) -> None:
        # Runs inside scheduler.start(), after the stored jobs are loaded: syncing now keeps
        # their due times, so runs missed while the scheduler was down still happen.
        try:
            self.apply(self.watcher.current)
        except Exception as exc:  # APScheduler would only log it and run with no jobs
            self._startup_error = exc
            self._stop_requested = True
        for job in self.scheduler.get_jobs():
            logger.info("job %s (%s): next run %s", job.id, job.name, job.next_run_time)
        self.watcher.start()
        if self._stop_requested:
            self.scheduler.shutdown(wait=False)

    def _install_signal_handlers(self) -> None:
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        signal.signal(signal.SIGHUP, self._reload)

    def _stop(self, signum: int, _frame: FrameType | None) -> None:
        logger.info("received %s; stopping", signal.Signals(signum).name)
        self._stop_requested = True
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)

    def _reload(self, _signum: int, _frame: FrameType | None) -> None:
        self.watcher.request_reload()


def run_scheduler(config_dir: str | None, database_url: str | None) -> None:
    """Run the scheduler until SIGTERM or SIGINT; ConfigError if the config is invalid."""
    SchedulerRunner(config_dir, database_url).run()
