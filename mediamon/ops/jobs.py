"""The scheduler's jobs: a crawl of a group of outlets, and the digest.

APScheduler stores a job as a reference to a module-level function plus pickled arguments, so the
arguments are plain values (outlet ids, the config directory, the database URL) and the
functions look up everything else when they run: the configuration last validated by the running
scheduler (see :func:`activate`), or the files on disk when no scheduler has activated one.

Each run is one child process under :func:`mediamon.ops.supervise.run_supervised`. The child records
its own run (``crawl:<spider>:<outlets>``, ``digest``); when it cannot (it crashed, hung, ran
out of memory or was stopped) the scheduler records or corrects the run for it. The child's
output goes to a run log of its own (:mod:`mediamon.ops.run_logs`), whose path the runs record.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Sequence
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from mediamon.core.config import Config, load_config
from mediamon.core.config_models import SchedulerSettings
from mediamon.core.context import DatabaseUnavailable, cause, open_engine, safe_url
from mediamon.core.digest_formats import digest_format
from mediamon.core.names import CRAWL_SPIDERS, DATABASE_URL_ENV, DIGEST_JOB, crawl_run_name
from mediamon.core.runs import ChildRuns
from mediamon.ops.run_logs import open_run_log, prune_run_logs
from mediamon.ops.supervise import ChildResult, Limits, run_supervised

logger = logging.getLogger(__name__)

_active_lock = threading.Lock()
_active: dict[str, Config] = {}


def activate(source_dir: str, config: Config) -> None:
    """Make ``config`` (validated, snapshotted) what jobs configured from ``source_dir`` use."""
    with _active_lock:
        _active[source_dir] = config


def active_config(config_dir: str, database_url: str) -> Config:
    with _active_lock:
        config = _active.get(config_dir)
    return config or load_config(config_dir, database_url)


@cache
def engine_for(database_url: str) -> Engine:
    """An engine on the migrated database, or DatabaseUnavailable (one line, no password)."""
    return open_engine(database_url)


def crawl_job(outlet_ids: list[str], config_dir: str, database_url: str) -> str:
    """Crawl ``outlet_ids`` in a child process; record how it went; raise health alerts."""
    try:
        return _crawl(outlet_ids, config_dir, database_url)
    except (SQLAlchemyError, DatabaseUnavailable) as exc:
        return _database_failed(f"crawl of {', '.join(outlet_ids)}", database_url, exc)


def digest_job(config_dir: str, database_url: str) -> str:
    """Write the digest of the previous day (the morning read) in each configured format,
    e-mailing it once when e-mail is set."""
    try:
        return _digest(config_dir, database_url)
    except (SQLAlchemyError, DatabaseUnavailable) as exc:
        return _database_failed("digest", database_url, exc)


def alerts_job(config_dir: str, database_url: str) -> str:
    """Check the alert subscriptions: developments of what crawls stored, messages whose rate
    limit or quiet hours have passed, deliveries whose retry has come (mediamon.alerts)."""
    from mediamon.alerts.check import check_alerts_safely

    config = active_config(config_dir, database_url)
    report = check_alerts_safely(engine_for(database_url), config)
    return "ok" if report is not None and not report.failures else "errors"


def _crawl(outlet_ids: list[str], config_dir: str, database_url: str) -> str:
    config = active_config(config_dir, database_url)
    engine = engine_for(database_url)
    command = crawl_command(config.settings.scheduler, config.directory, outlet_ids)
    names = crawl_run_names(outlet_ids)
    limits = crawl_limits(config.settings.scheduler)
    outcome = _run_recorded(engine, config, database_url, command, names, limits)
    _check_health(engine, config)
    return outcome


def _digest(config_dir: str, database_url: str) -> str:
    config = active_config(config_dir, database_url)
    engine = engine_for(database_url)
    settings = config.settings
    limits = Limits(settings.scheduler.digest_time_limit, None, settings.scheduler.stop_grace)
    yesterday = datetime.now(settings.zone).date() - timedelta(days=1)
    outcomes = [
        _run_recorded(engine, config, database_url, command, [DIGEST_JOB], limits)
        for command in digest_commands(config, yesterday.isoformat())
    ]
    return next((outcome for outcome in outcomes if outcome != "ok"), "ok")


def _database_failed(what: str, database_url: str, error: Exception) -> str:
    """One line in the scheduler's log, not a traceback: the database went away (the run, if it
    ran, could not be recorded; its output is in its run log)."""
    reason = str(error) if isinstance(error, DatabaseUnavailable) else cause(error)
    logger.error("%s: cannot use the database %s: %s", what, safe_url(database_url), reason)
    return "database-unavailable"


def crawl_command(
    settings: SchedulerSettings, config_dir: Path, outlet_ids: Sequence[str]
) -> list[str]:
    """``mediamon crawl`` for these outlets, or ``scheduler.crawl_command`` with its options.

    The crawl's own time limit ends it cleanly a grace period before the scheduler would kill it.
    """
    base = settings.crawl_command or [sys.executable, "-m", "mediamon", "crawl"]
    outlets = [option for outlet_id in outlet_ids for option in ("--outlet", outlet_id)]
    time_limit = max(settings.crawl_time_limit - settings.stop_grace, 1)
    return [*base, "--config", str(config_dir), "--time-limit", f"{time_limit:g}", *outlets]


def crawl_run_names(outlet_ids: Sequence[str]) -> list[str]:
    """The job names a crawl of these outlets records its runs under (see scrapers.extensions)."""
    return [crawl_run_name(spider, outlet_ids) for spider in CRAWL_SPIDERS]


def crawl_limits(settings: SchedulerSettings) -> Limits:
    return Limits(settings.crawl_time_limit, settings.crawl_memory_limit_mb, settings.stop_grace)


def scheduled_digest_path(config: Config, day: str, format_name: str) -> Path:
    """Where the scheduler writes the digest of ``day`` (YYYY-MM-DD) in a format."""
    extension = digest_format(format_name).extension
    return Path(config.settings.digest.output_dir) / f"digest-{day}.{extension}"


def digest_commands(config: Config, day: str) -> list[list[str]]:
    """One ``mediamon digest --date DAY`` per format, into ``<output_dir>/digest-<day>.<ext>``."""
    digest = config.settings.digest
    base = [sys.executable, "-m", "mediamon", "digest", "--config", str(config.directory)]
    commands = []
    for output_format in digest.formats:
        out = scheduled_digest_path(config, day, output_format)
        commands.append([*base, "--date", day, "--format", output_format, "--out", str(out)])
    if digest.email is not None and digest.email.recipients and commands:
        commands[0].append("--email")
    return commands


def _run_recorded(
    engine: Engine,
    config: Config,
    database_url: str,
    command: list[str],
    run_names: Sequence[str],
    limits: Limits,
) -> str:
    """Run ``command``, its output kept in a run log; return the outcome recorded for it (the
    child's, or the scheduler's)."""
    settings = config.settings
    child_runs = ChildRuns(engine, run_names)
    log = open_run_log(Path(settings.logs_dir), run_names[0], settings.scheduler)
    logger.info("starting %s (output: %s)", " ".join(command), log.path or "not kept")
    # The URL goes by environment, not argv, so a password in it stays out of `ps`.
    result = run_supervised(command, limits, {DATABASE_URL_ENV: database_url}, output=log)
    log_path = None if log.path is None else str(log.path)
    runs = child_runs.settle(_verdict(result), _errors(result), log_path)
    prune_run_logs(Path(settings.logs_dir), settings.scheduler)
    outcomes = sorted({run.outcome for run in runs})
    logger.info("%s: %s, recorded as %s", run_names[0], result.describe(), ", ".join(outcomes))
    return outcomes[0] if len(outcomes) == 1 else "mixed"


def _verdict(result: ChildResult) -> str | None:
    """None when the child exited cleanly: its own record of the run stands."""
    return None if result.exited_cleanly else result.outcome


def _errors(result: ChildResult) -> list[str]:
    if result.exited_cleanly:
        return []
    return [f"the process {result.describe()}", *result.stderr_tail]


def _check_health(engine: Engine, config: Config) -> None:
    from mediamon.ops.alerts import notify_new_alerts

    try:
        notify_new_alerts(engine, config)
    except Exception:  # a broken alert channel must not fail the crawl job
        logger.exception("checking outlet health failed")
