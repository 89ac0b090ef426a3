"""`mediamon stories`: the stories of a period, each with its outlets and articles."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import click

from mediamon.cli.common import reading_config_options
from mediamon.core.context import Context


@click.command()
@click.option(
    "--since",
    type=click.DateTime(["%Y-%m-%d"]),
    help="Stories first seen on or after this day (UTC) [default: the last 7 days].",
)
@click.option(
    "--min-outlets", default=1, show_default=True, help="Hide stories with fewer outlets."
)
@reading_config_options
def stories(ctx: Context, since: datetime | None, min_outlets: int) -> None:
    """List stories: the same development as covered across outlets and languages."""
    from mediamon.stories.storage import stories_between

    start = since.replace(tzinfo=UTC) if since else datetime.now(UTC) - timedelta(days=7)
    shown = [
        story
        for story in stories_between(ctx.engine, start, datetime.now(UTC) + timedelta(days=1))
        if len(story.outlets) >= min_outlets
    ]
    for story in shown:
        click.echo(f"{story.first_seen_at:%Y-%m-%d %H:%M}  {story.headline}")
        click.echo(f"  first: {story.first_outlet_id}; outlets: {', '.join(story.outlets)}")
        for article in story.articles:
            copy = f" (copy of {article.duplicate_of})" if article.duplicate_of else ""
            click.echo(f"    [{article.outlet_id}] {article.title}{copy}")
    click.echo(f"{len(shown)} stor{'y' if len(shown) == 1 else 'ies'}")
