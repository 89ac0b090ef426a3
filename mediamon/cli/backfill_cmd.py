"""`mediamon backfill`: collect the past coverage of a date window from sitemaps and archives."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import click

from mediamon.cli.common import (
    CommandFailed,
    config_options,
    log_file_settings,
    log_options,
    time_limit_option,
    unfinished_crawl,
)
from mediamon.cli.verdicts import Results, crawl_verdict, outlet_lines
from mediamon.core import stat_keys as stat
from mediamon.core.context import Context
from mediamon.core.exit_codes import ExitCode, exit_codes_help
from mediamon.core.names import EXTRACT_PROCESSES_SETTING
from mediamon.core.sources import WINDOW_SPIDERS

AGAIN = "run the backfill again"


@click.command(epilog=exit_codes_help())
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="First day (UTC), inclusive.")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="Last day (UTC), inclusive.")
@click.option("--outlet", "outlets", multiple=True, help="Only this outlet id (repeatable).")
@click.option("--topic", help="Take the window from this topic's since/until in topics.yaml.")
@click.option("--limit", type=click.IntRange(min=1), help="Stop after storing this many articles.")
@time_limit_option
@log_options()
@config_options
def backfill(
    ctx: Context,
    since: datetime | None,
    until: datetime | None,
    outlets: tuple[str, ...],
    topic: str | None,
    limit: int | None,
    time_limit: float | None,
    log_level: str,
    log_file: str | None,
) -> None:
    """Fetch every article of a past window that the outlets' sitemaps and archives list.

    Run it again after an interruption: articles already stored are never fetched again.
    """
    from mediamon.crawl.run import CrawlFailed, CrawlTimeLimit, run_crawl

    first, last = window(ctx, since, until, topic)
    for outlet_id in outlets:
        try:
            ctx.config.outlet(outlet_id)
        except KeyError as exc:
            raise click.BadParameter(str(exc.args[0]), param_hint="--outlet") from exc
    click.echo(f"backfilling {first} to {last} for {', '.join(outlets) or 'all outlets'}")
    # One request at a time, extracted in one crawl process, makes the limit exact: nothing
    # beyond it is already downloading, waiting in the extraction pool or in another process.
    extra = (
        {"CLOSESPIDER_ITEMCOUNT": limit, "CONCURRENT_REQUESTS": 1, EXTRACT_PROCESSES_SETTING: 0}
        if limit
        else {}
    )
    extra.update(log_file_settings(log_file))
    arguments = {"since": first.isoformat(), "until": last.isoformat()}
    processes = 1 if limit else None
    selected = list(outlets) or [outlet.id for outlet in ctx.config.outlets]
    try:
        results = run_crawl(
            ctx, WINDOW_SPIDERS, outlets, log_level, extra, arguments, processes, time_limit
        )
    except CrawlFailed as failed:
        echo_progress(failed.results, selected)
        code = ExitCode.FAILED if isinstance(failed, CrawlTimeLimit) else ExitCode.CRASHED
        raise CommandFailed(unfinished_crawl(failed, AGAIN), code) from failed
    echo_progress(results, selected)
    verdict = crawl_verdict(results, AGAIN)
    if verdict.message is not None:
        raise CommandFailed(verdict.message, verdict.code)


def echo_progress(results: Results, outlets: list[str]) -> None:
    """Each spider's figures, then the outlets whose sources failed."""
    for name, stats in results.items():
        click.echo(progress_line(name, stats))
    for line in outlet_lines(results, outlets, verbose=False):
        click.echo(line)


def window(
    ctx: Context, since: datetime | None, until: datetime | None, topic_id: str | None
) -> tuple[date, date]:
    topic = ctx.config.topic(topic_id) if topic_id else None
    first = since.date() if since else (topic.since if topic else None)
    last = until.date() if until else (topic.until if topic else None)
    if first is None or last is None:
        raise click.UsageError("give --since and --until, or a --topic that has since and until")
    if first > last:
        raise click.BadParameter(f"{first} is after {last}", param_hint="--since")
    return first, last


def progress_line(spider: str, stats: Mapping[str, Any]) -> str:
    return (
        f"{spider}: {stats.get(stat.LISTED, 0)} listed, "
        f"{stats.get(stat.ALREADY_STORED, 0)} already stored, "
        f"{stats.get(stat.STORED, 0)} new articles stored, "
        f"{stats.get(stat.COLLECT_FAILED, 0)} failed "
        f"(finished: {stats.get('finish_reason', 'unknown')})"
    )
