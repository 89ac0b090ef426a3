"""`mediamon run`: the built-in scheduler, in the foreground."""

from __future__ import annotations

import logging

import click

from mediamon.cli.common import CONFIG_HELP, DATABASE_HELP, config_dir_option, database_url_option
from mediamon.core.config import ConfigError
from mediamon.core.context import DatabaseUnavailable

QUIET_LIBRARIES = ("apscheduler.executors", "alembic")


@click.command()
@config_dir_option(f"{CONFIG_HELP}; watched for changes while running")
@database_url_option(f"{DATABASE_HELP}; the job store, run history and articles all live there")
def run(config_dir: str | None, database_url: str | None) -> None:
    """Run the scheduler until stopped: a crawl job per outlet schedule, and the digest.

    Each crawl runs in its own process within scheduler.crawl_time_limit; every run is recorded
    (see `mediamon status`). SIGTERM or Ctrl-C stops it cleanly, SIGHUP reloads the config (so
    does editing the files); an invalid new config is logged and the running one kept.
    """
    from mediamon.ops.scheduler import run_scheduler

    _log_progress()
    try:
        run_scheduler(config_dir, database_url)
    except (ConfigError, DatabaseUnavailable) as exc:
        raise click.ClickException(str(exc)) from exc


def _log_progress() -> None:
    """A daemon's log should say what it does: INFO for mediamon, unless -v asked for more."""
    root = logging.getLogger()
    if root.level > logging.INFO:
        root.setLevel(logging.INFO)
        for name in QUIET_LIBRARIES:
            logging.getLogger(name).setLevel(logging.WARNING)
