"""`mediamon crawl`: poll the configured outlets now, once."""

from __future__ import annotations

from typing import Any

import click

from mediamon.cli.common import config_options
from mediamon.context import Context
from mediamon.crawl import SPIDERS


@click.command()
@click.option("--outlet", "outlets", multiple=True, help="Only this outlet id (repeatable).")
@click.option(
    "--spider",
    "spiders",
    multiple=True,
    type=click.Choice(SPIDERS),
    help="Which spider to run (repeatable) [default: all].",
)
@click.option(
    "--log-level",
    default="WARNING",
    show_default=True,
    type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"]),
    help="Scrapy log level.",
)
@config_options
def crawl(ctx: Context, outlets: tuple[str, ...], spiders: tuple[str, ...], log_level: str) -> None:
    """Crawl the outlets' feeds once: fetch new articles, extract, tag and store them.

    Run it from cron for scheduled polling, or use `mediamon run` for the built-in scheduler.
    """
    from mediamon.crawl import run_crawl

    for outlet_id in outlets:
        try:
            ctx.config.outlet(outlet_id)
        except KeyError as exc:
            raise click.BadParameter(str(exc.args[0]), param_hint="--outlet") from exc
    click.echo(
        f"crawling {', '.join(outlets) or 'all outlets'} into {ctx.config.settings.database_url}"
    )
    results = run_crawl(ctx, spiders or SPIDERS, outlets, log_level)
    for name, stats in results.items():
        click.echo(summarise(name, stats))


def summarise(spider: str, stats: dict[str, Any]) -> str:
    per_outlet = {
        key.rsplit("/", 1)[1]: value
        for key, value in stats.items()
        if key.startswith("mediamon/store/outlet/")
    }
    lines = [
        f"{spider}: {stats.get('mediamon/store/stored', 0)} new articles stored, "
        f"{stats.get('mediamon/feeds/not_modified', 0)} feeds unchanged, "
        f"{stats.get('mediamon/feeds/failed', 0)} feeds failed, "
        f"{stats.get('mediamon/articles/failed', 0)} articles failed "
        f"(finished: {stats.get('finish_reason', 'unknown')})"
    ]
    lines += [f"  {outlet}: {count}" for outlet, count in sorted(per_outlet.items())]
    return "\n".join(lines)
