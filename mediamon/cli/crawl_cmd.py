"""`mediamon crawl`: poll the configured outlets now, once."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import click

from mediamon.cli.common import (
    CommandFailed,
    config_options,
    log_file_settings,
    log_options,
    reachable_redis,
    redis_url_option,
    time_limit_option,
    unfinished_crawl,
)
from mediamon.cli.verdicts import Results, crawl_verdict, outlet_lines
from mediamon.core import stat_keys as stat
from mediamon.core.context import Context
from mediamon.core.exit_codes import ExitCode, exit_codes_help
from mediamon.core.sources import CRAWL_SPIDERS, source_kind
from mediamon.crawl.distributed import HANDED_OFF_STAT

AGAIN = "crawl again"


@click.command(epilog=exit_codes_help())
@click.option("--outlet", "outlets", multiple=True, help="Only this outlet id (repeatable).")
@click.option(
    "--spider",
    "spiders",
    multiple=True,
    type=click.Choice(CRAWL_SPIDERS),
    help="Which spider to run (repeatable) [default: all].",
)
@click.option(
    "--due-only",
    is_flag=True,
    help="Poll only the feeds whose next poll time has come (adapted to each feed's publishing "
    "rate, later after failures or a server's Retry-After); the others are skipped.",
)
@click.option(
    "--distributed",
    is_flag=True,
    help="Poll the listings here but queue the articles in Redis for `mediamon worker` "
    "processes to fetch.",
)
@click.option(
    "--processes",
    type=click.IntRange(min=1),
    help="Crawl processes, each crawling its own share of the outlets (an outlet is crawled by "
    "one of them only); 1 crawls in this process. [default: settings.yaml "
    "crawling.crawl_processes, else one per CPU core, at most one per outlet; one when at most "
    "one outlet has a source to read in full, e.g. feeds that all answer conditional GETs]",
)
@click.option(
    "-v",
    "--verbose",
    is_flag=True,
    help="List every outlet in the summary, with its new articles [default: only the outlets "
    "whose sources failed].",
)
@time_limit_option
@redis_url_option
@log_options()
@config_options
def crawl(
    ctx: Context,
    outlets: tuple[str, ...],
    spiders: tuple[str, ...],
    due_only: bool,
    distributed: bool,
    processes: int | None,
    verbose: bool,
    time_limit: float | None,
    redis_url: str | None,
    log_level: str,
    log_file: str | None,
) -> None:
    """Crawl the outlets' feeds, sitemaps and sections once: fetch new articles, extract, tag
    and store them.

    Every feed is polled unless --due-only is given. Run it from cron for scheduled polling
    (with --due-only, as often as the shortest poll interval), or use `mediamon run`. The
    outlets are shared out among crawl processes, one per CPU core unless --processes says.
    The summary gives each spider's totals and the outlets that need attention.
    """
    from mediamon.crawl.run import CrawlFailed, CrawlTimeLimit, run_crawl

    for outlet_id in outlets:
        try:
            ctx.config.outlet(outlet_id)
        except KeyError as exc:
            raise click.BadParameter(str(exc.args[0]), param_hint="--outlet") from exc
    if distributed:
        # One feeder queues for every worker; the workers are what scales out.
        if (processes or 1) > 1:
            raise click.UsageError("--distributed crawls in one process; leave out --processes")
        processes = 1
    click.echo(
        f"crawling {', '.join(outlets) or 'all outlets'} into {ctx.config.settings.database_url}"
    )
    arguments = {"due_only": "1"} if due_only else None
    extra = distributed_settings(ctx, redis_url) if distributed else {}
    extra.update(log_file_settings(log_file))
    selected = list(outlets) or [outlet.id for outlet in ctx.config.outlets]
    verbose = verbose or bool(click.get_current_context().find_root().params.get("verbose"))
    spiders = spiders or CRAWL_SPIDERS
    try:
        results = run_crawl(
            ctx, spiders, outlets, log_level, extra, arguments, processes, time_limit
        )
    except CrawlFailed as failed:
        echo_results(failed.results, distributed, selected, verbose)
        code = ExitCode.FAILED if isinstance(failed, CrawlTimeLimit) else ExitCode.CRASHED
        raise CommandFailed(unfinished_crawl(failed, AGAIN), code) from failed
    echo_results(results, distributed, selected, verbose)
    verdict = crawl_verdict(results, AGAIN)
    if verdict.message is not None:
        raise CommandFailed(verdict.message, verdict.code)


def echo_results(
    results: Results, distributed: bool, outlets: Sequence[str], verbose: bool
) -> None:
    for name, stats in results.items():
        click.echo(summarise(name, stats))
        if distributed:
            click.echo(f"  {stats.get(HANDED_OFF_STAT, 0)} articles queued for the workers")
    for line in outlet_lines(results, outlets, verbose):
        click.echo(line)


def distributed_settings(ctx: Context, redis_url: str | None) -> dict[str, Any]:
    from mediamon.crawl.distributed import feeder_settings

    return feeder_settings(reachable_redis(ctx, redis_url), ctx.config.settings.redis_namespace)


def summarise(spider: str, stats: dict[str, Any] | Any) -> str:
    """The articles stored, then the spider's own figures."""
    figures = [f"{stats.get(stat.STORED, 0)} new articles stored"]
    own = source_kind(spider).figures if spider in CRAWL_SPIDERS else ()
    figures += [f"{figure.value(stats)} {figure.label}" for figure in own]
    if stats.get(stat.STORE_FAILED):
        figures.append(f"{stats[stat.STORE_FAILED]} of them not stored")
    return f"{spider}: {', '.join(figures)} (finished: {stats.get('finish_reason', 'unknown')})"
