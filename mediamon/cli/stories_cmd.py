"""`mediamon stories`: the stories of a period, each with its outlets and articles."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import click

from mediamon.cli.common import reading_config_options
from mediamon.core.context import Context

DEFAULT_WINDOW_DAYS = 7
DEFAULT_WINDOW = timedelta(days=DEFAULT_WINDOW_DAYS)


@click.command()
@click.option(
    "--since",
    type=click.DateTime(["%Y-%m-%d"]),
    help="Stories first seen on or after this day (UTC) "
    f"[default: the last {DEFAULT_WINDOW_DAYS} days].",
)
@click.option(
    "--min-outlets", default=1, show_default=True, help="Hide stories with fewer outlets."
)
@reading_config_options
def stories(ctx: Context, since: datetime | None, min_outlets: int) -> None:
    """List stories: the same development as covered across outlets and languages."""
    from mediamon.stories.storage import stories_between

    start = since.replace(tzinfo=UTC) if since else datetime.now(UTC) - DEFAULT_WINDOW
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
    noun = "story" if len(shown) == 1 else "stories"
    click.echo(f"{len(shown)} {noun} {listed(since, start, min_outlets)}")


def listed(since: datetime | None, start: datetime, min_outlets: int) -> str:
    """Which stories were looked at, so that "0 stories" says where none were found."""
    if since:
        seen = f"first seen since {start:%Y-%m-%d} (UTC)"
    else:
        seen = (
            f"first seen in the last {DEFAULT_WINDOW_DAYS} days (since {start:%Y-%m-%d %H:%M} "
            "UTC; --since DAY for another start)"
        )
    return seen + (f" with at least {min_outlets} outlets" if min_outlets > 1 else "")
