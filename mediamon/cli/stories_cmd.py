"""`mediamon stories`: the stories of a period, each with its outlets and articles; `stories show`
explains one story, `stories regroup` rebuilds stories from the stored articles."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import click

from mediamon.cli.common import (
    config_dir_option,
    database_url_option,
    load_context,
    reading_config_options,
)
from mediamon.core.context import Context

DEFAULT_WINDOW_DAYS = 7
DEFAULT_WINDOW = timedelta(days=DEFAULT_WINDOW_DAYS)


@click.group(invoke_without_command=True)
@click.pass_context
@click.option(
    "--since",
    type=click.DateTime(["%Y-%m-%d"]),
    help="Stories first seen on or after this day (UTC) "
    f"[default: the last {DEFAULT_WINDOW_DAYS} days].",
)
@click.option(
    "--min-outlets", default=1, show_default=True, help="Hide stories with fewer outlets."
)
@config_dir_option()
@database_url_option()
def stories(
    command: click.Context,
    since: datetime | None,
    min_outlets: int,
    config_dir: str | None,
    database_url: str | None,
) -> None:
    """List stories: the same development as covered across outlets and languages."""
    if command.invoked_subcommand is None:  # a subcommand reads its own options
        list_stories(load_context(config_dir, database_url, existing=True), since, min_outlets)


def list_stories(ctx: Context, since: datetime | None, min_outlets: int) -> None:
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


@stories.command()
@click.argument("story_id", type=int)
@reading_config_options
def show(ctx: Context, story_id: int) -> None:
    """Show a story's articles, each with why it joined: its similarity to the story and the
    names and words it shares, or that it copies an article of the story."""
    from mediamon.stories.storage import story_by_id, why_joined

    story = story_by_id(ctx.engine, story_id)
    if story is None:
        raise click.ClickException(f"no story {story_id} (mediamon stories lists them)")
    click.echo(f"story {story.id}: {story.headline}")
    click.echo(f"  first: {story.first_outlet_id}; outlets: {', '.join(story.outlets)}")
    for article in story.articles:
        click.echo(f"  {article.seen_at:%Y-%m-%d %H:%M}  [{article.outlet_id}] {article.title}")
        click.echo(f"      {why_joined(article)}")


@stories.command()
@click.option(
    "--since",
    type=click.DateTime(["%Y-%m-%d"]),
    help="Regroup the stories active on or after this day (UTC) [default: every story].",
)
@reading_config_options
def regroup(ctx: Context, since: datetime | None) -> None:
    """Rebuild stories from the stored articles, in order of publication, after the grouping or
    its settings changed; articles not in a story yet are grouped too."""
    from mediamon.stories.regroup import regroup as regroup_stories
    from mediamon.stories.regroup import to_regroup

    start = since.replace(tzinfo=UTC) if since else None
    with click.progressbar(length=to_regroup(ctx.engine, start), label="regrouping") as bar:
        grouped = regroup_stories(ctx.engine, start, bar.update)
    click.echo(f"{grouped} articles regrouped")
