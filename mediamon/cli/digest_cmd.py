"""`mediamon digest`: write the digest of a day (or of everything since a date)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import click

from mediamon.cli.common import config_options
from mediamon.context import Context


@click.command()
@click.option(
    "--date",
    "day",
    type=click.DateTime(["%Y-%m-%d"]),
    help="The day to digest, in the configured time zone [default: today].",
)
@click.option(
    "--since",
    type=click.DateTime(["%Y-%m-%d"]),
    help="Digest everything from this day until now instead of one day.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write the digest to this file [default: standard output].",
)
@config_options
def digest(ctx: Context, day: datetime | None, since: datetime | None, out: Path | None) -> None:
    """Write a Markdown digest: the period's articles grouped by topic, then by outlet."""
    from pipelines.digest import build_digest, day_window, render_markdown

    if day and since:
        raise click.UsageError("give either --date or --since, not both")
    zone = ctx.config.settings.zone
    first = (since or day or datetime.now(zone)).date()
    start, end = day_window(first, zone)
    if since:
        end = day_window(datetime.now(zone).date() + timedelta(days=1), zone)[0]
    text = render_markdown(build_digest(ctx.engine, ctx.config, start, end))
    if out is None:
        click.echo(text, nl=False)
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    click.echo(f"digest written to {out}", err=True)
