"""Run mediamon unattended: crawl jobs from the outlets' cron schedules, plus the daily digest.

    python scheduler.py --config config        # the same as `mediamon run --config config`

The scheduler lives in mediamon.ops.scheduler; this file is the entry point the project's layout
promises, and runs it through `mediamon run` (which logs its progress and reports a bad config).
Stop it with SIGTERM or Ctrl-C; reload its configuration with SIGHUP.
"""

from __future__ import annotations

import sys


def run(config_dir: str | None = None, database_url: str | None = None) -> None:
    """Run the scheduler in the foreground until SIGTERM or SIGINT."""
    from mediamon.ops.scheduler import run_scheduler

    run_scheduler(config_dir, database_url)


if __name__ == "__main__":
    from mediamon.cli import main
    from mediamon.cli.run_cmd import run as run_command

    # `mediamon run` itself, named as it was started here, so its usage line reads
    # "scheduler.py [OPTIONS]" rather than "scheduler.py run [OPTIONS]".
    sys.exit(run_command.main(sys.argv[1:], prog_name="scheduler.py", **main.context_settings))
