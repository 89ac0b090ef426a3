"""`mediamon worker`: fetch the articles that `mediamon crawl --distributed` queued in Redis."""

from __future__ import annotations

import click

from mediamon.cli.common import (
    CommandFailed,
    config_options,
    log_file_settings,
    log_options,
    reachable_redis,
    redis_url_option,
)
from mediamon.cli.verdicts import crawl_verdict
from mediamon.core import stat_keys
from mediamon.core.context import Context
from mediamon.core.exit_codes import exit_codes_help


@click.command(epilog=exit_codes_help())
@click.option(
    "--idle-exit",
    type=click.FloatRange(min=0, min_open=True),
    help="Stop after this many seconds without work (batch jobs, tests) [default: run until "
    "SIGTERM].",
)
@redis_url_option
@log_options()
@config_options
def worker(
    ctx: Context,
    idle_exit: float | None,
    redis_url: str | None,
    log_level: str,
    log_file: str | None,
) -> None:
    """Fetch, extract, tag and store the articles queued by `mediamon crawl --distributed`.

    Run any number of workers, on any number of machines, with the same config, the same
    database (PostgreSQL when they run on several machines) and the same Redis: each queued
    article is fetched by exactly one of them. SIGTERM (or Ctrl-C) is its normal end: the
    requests in flight are finished and it exits 0.
    """
    from mediamon.crawl.distributed import start_urls_key, worker_settings
    from mediamon.crawl.run import run_worker

    url = reachable_redis(ctx, redis_url)
    namespace = ctx.config.settings.redis_namespace
    click.echo(
        f"worker: taking articles from {url} ({start_urls_key(namespace)}) "
        f"into {ctx.config.settings.database_url}"
    )
    settings = {**worker_settings(url, namespace, idle_exit or 0.0), **log_file_settings(log_file)}
    stats = run_worker(ctx, settings, log_level)
    stored = stats.get(stat_keys.STORED, 0)
    skipped = stats.get(stat_keys.ALREADY_STORED, 0)
    click.echo(
        f"worker: {stored} new articles stored, {skipped} already stored "
        f"(finished: {stats.get('finish_reason', 'unknown')})"
    )
    # The feeder saves no feed validators for what it queues: its next poll queues them again.
    verdict = crawl_verdict({"articles": stats}, "run `mediamon crawl --distributed` again")
    if verdict.message is not None:
        raise CommandFailed(verdict.message, verdict.code)
