"""`mediamon run`: the built-in scheduler, in the foreground."""

from __future__ import annotations

import click

from mediamon.cli.common import (
    CONFIG_HELP,
    DATABASE_HELP,
    CommandFailed,
    config_dir_option,
    database_url_option,
    load_context,
    log_options,
)
from mediamon.core.config import ConfigError
from mediamon.core.context import DatabaseUnavailable
from mediamon.core.exit_codes import ExitCode, exit_codes_help


@click.command(epilog=exit_codes_help())
@config_dir_option(f"{CONFIG_HELP}; watched for changes while running")
@database_url_option(f"{DATABASE_HELP}; the job store, run history and articles all live there")
@log_options(default_level="INFO")
def run(
    config_dir: str | None, database_url: str | None, log_level: str, log_file: str | None
) -> None:
    """Run the scheduler until stopped: a crawl job per outlet schedule, and the digest.

    Each crawl runs in its own process within scheduler.crawl_time_limit; every run is recorded
    (see `mediamon status`). SIGTERM or Ctrl-C stops it cleanly (exit 0), SIGHUP reloads the
    config (so does editing the files); an invalid new config is logged and the running one
    kept. An invalid config or a database that cannot be opened at startup exits 1 with one
    line. A daemon's log says what it does: INFO unless --log-level says otherwise.
    """
    from mediamon.ops.scheduler import run_scheduler

    load_context(config_dir, database_url)  # an invalid config or database: one line, exit 1
    try:
        run_scheduler(config_dir, database_url)
    except (ConfigError, DatabaseUnavailable) as exc:
        raise CommandFailed(str(exc), ExitCode.FAILED) from exc
