"""`mediamon crawl`: poll the configured outlets now, once."""

from __future__ import annotations

from typing import Any

import click

from mediamon.cli.common import (
    config_options,
    log_level_option,
    reachable_redis,
    redis_url_option,
    storage_problem,
    time_limit_option,
    unfinished_crawl,
)
from mediamon.core import stat_keys as stat
from mediamon.core.context import Context
from mediamon.core.sources import CRAWL_SPIDERS, source_kind
from mediamon.crawl.distributed import HANDED_OFF_STAT


@click.command()
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
    "crawling.crawl_processes, else one per CPU core, at most one per outlet]",
)
@time_limit_option
@redis_url_option
@log_level_option
@config_options
def crawl(
    ctx: Context,
    outlets: tuple[str, ...],
    spiders: tuple[str, ...],
    due_only: bool,
    distributed: bool,
    processes: int | None,
    time_limit: float | None,
    redis_url: str | None,
    log_level: str,
) -> None:
    """Crawl the outlets' feeds, sitemaps and sections once: fetch new articles, extract, tag
    and store them.

    Every feed is polled unless --due-only is given. Run it from cron for scheduled polling
    (with --due-only, as often as the shortest poll interval), or use `mediamon run`. The
    outlets are shared out among crawl processes, one per CPU core unless --processes says.
    """
    from mediamon.crawl.run import CrawlFailed, run_crawl

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
    extra = distributed_settings(ctx, redis_url) if distributed else None
    spiders = spiders or CRAWL_SPIDERS
    try:
        results = run_crawl(
            ctx, spiders, outlets, log_level, extra, arguments, processes, time_limit
        )
    except CrawlFailed as failed:
        echo_results(failed.results, distributed)
        raise click.ClickException(unfinished_crawl(failed, "crawl again")) from failed
    echo_results(results, distributed)
    problem = storage_problem(results, "crawl again")
    if problem is not None:
        raise click.ClickException(problem)
    if any(stats.get("finish_reason") == "shutdown" for stats in results.values()):
        raise click.ClickException("the crawl was stopped before its end; crawl again to finish")


def echo_results(results: dict[str, dict[str, Any]], distributed: bool) -> None:
    for name, stats in results.items():
        click.echo(summarise(name, stats))
        if distributed:
            click.echo(f"  {stats.get(HANDED_OFF_STAT, 0)} articles queued for the workers")


def distributed_settings(ctx: Context, redis_url: str | None) -> dict[str, Any]:
    from mediamon.crawl.distributed import feeder_settings

    return feeder_settings(reachable_redis(ctx, redis_url), ctx.config.settings.redis_namespace)


def summarise(spider: str, stats: dict[str, Any]) -> str:
    """The articles stored, the spider's own figures, then the new articles per outlet."""
    from mediamon.store.unwritable import STORE_FAILED_STAT

    figures = [f"{stats.get(stat.STORED, 0)} new articles stored"]
    own = source_kind(spider).figures if spider in CRAWL_SPIDERS else ()
    figures += [f"{figure.value(stats)} {figure.label}" for figure in own]
    if stats.get(STORE_FAILED_STAT):
        figures.append(f"{stats[STORE_FAILED_STAT]} of them not stored")
    lines = [f"{spider}: {', '.join(figures)} (finished: {stats.get('finish_reason', 'unknown')})"]
    lines += [f"  {outlet}: {count}" for outlet, count in sorted(stored_per_outlet(stats).items())]
    return "\n".join(lines)


def stored_per_outlet(stats: dict[str, Any]) -> dict[str, int]:
    prefix = stat.STORED_PER_OUTLET
    return {
        key.removeprefix(prefix): value for key, value in stats.items() if key.startswith(prefix)
    }
