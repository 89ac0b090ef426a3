"""`mediamon reextract`: apply the current cleaning rules to articles already stored."""

from __future__ import annotations

from datetime import UTC, datetime

import click

from mediamon.cli.common import config_options, log_options
from mediamon.core.context import Context
from mediamon.store.reextract import count_articles, reextract


@click.command("reextract")
@click.option("--outlet", "outlet_id", help="Only articles of this outlet id.")
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"]),
    help="Only articles published (or, lacking a date, fetched) on or after this UTC date.",
)
@log_options()
@config_options
def reextract_command(
    outlet_id: str | None,
    since: datetime | None,
    ctx: Context,
    log_level: str,
    log_file: str | None,
) -> None:
    """Re-run extraction on stored raw HTML with today's rules and learned template lines.

    Articles whose result is unchanged are left untouched.
    """
    if outlet_id is not None:
        try:
            ctx.config.outlet(outlet_id)
        except KeyError as exc:
            raise click.ClickException(str(exc.args[0])) from exc
    since_utc = since.replace(tzinfo=UTC) if since else None
    total = count_articles(ctx.engine, outlet_id, since_utc)
    with click.progressbar(length=total, label="Re-extracting", show_pos=True) as bar:
        report = reextract(ctx.engine, ctx.config, outlet_id, since_utc, lambda: bar.update(1))
    click.echo(
        f"{report.examined} articles examined, {report.changed} changed, "
        f"{report.failed} without extractable text (left as they were)"
    )
