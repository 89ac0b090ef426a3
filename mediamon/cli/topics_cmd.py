"""`mediamon topics test TOPIC` and `mediamon retag`: check topics against stored articles."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import click

from mediamon.cli.common import config_options, reading_config_options
from mediamon.core.config_models import TopicModel
from mediamon.core.context import Context

if TYPE_CHECKING:
    from mediamon.query.parser import Clue

DAY = click.DateTime(["%Y-%m-%d"])


@click.group()
def topics() -> None:
    """Work with the topics of topics.yaml."""


@topics.command("test")
@click.argument("topic_id", metavar="TOPIC")
@click.option("--outlet", "outlets", multiple=True, help="Only this outlet id (repeatable).")
@click.option("--since", type=DAY, help="Only articles published on or after this day (UTC).")
@click.option("--limit", default=50, show_default=True, help="Show at most this many matches.")
@click.option(
    "-v", "--all-terms", is_flag=True, help="List every term of the query, also those not found."
)
@reading_config_options
def test_topic(
    ctx: Context,
    topic_id: str,
    outlets: tuple[str, ...],
    since: datetime | None,
    limit: int,
    all_terms: bool,
) -> None:
    """Show which stored articles TOPIC matches as configured now, and why.

    Each match lists the query's words, phrases and NEARs that were found, with where, and how
    many were not (-v lists those too). Run it after editing a query, then `mediamon retag` to
    apply the change to stored articles.
    """
    from mediamon.store.retag import topic_matches
    from mediamon.store.search import SearchFilters

    topic = _topic(ctx, topic_id)
    filters = SearchFilters(outlets, _utc(since), None, None)
    matches = topic_matches(ctx.engine, topic, ctx.config.settings.zone, filters)
    for match in matches[:limit]:
        row = match.article
        published = row.page_published_at
        day = f"{published:%Y-%m-%d}" if published else "????-??-??"
        click.echo(f"{row.outlet_id}  {day}  {row.title}\n  {row.url}")
        for line in clue_lines(match.clues, all_terms):
            click.echo(f"    {line}")
    shown = f", showing {limit}" if len(matches) > limit else ""
    click.echo(f"{len(matches)} stored article(s) match topic {topic_id}{shown}")


def clue_lines(clues: list[Clue], all_terms: bool) -> list[str]:
    """The terms found, with where; then those not found, one each or only counted."""
    found = [str(clue) for clue in clues if clue.found]
    missing = [str(clue) for clue in clues if not clue.found]
    if all_terms or not missing:
        return found + missing
    return [*found, f"({len(missing)} other term(s) of the query not found; -v lists them)"]


def _topic(ctx: Context, topic_id: str) -> TopicModel:
    for topic in ctx.config.topics:
        if topic.id == topic_id:
            return topic
    known = ", ".join(topic.id for topic in ctx.config.topics) or "none"
    raise click.BadParameter(f"no topic {topic_id!r} in topics.yaml; known: {known}")


def _utc(day: datetime | None) -> datetime | None:
    return day.replace(tzinfo=UTC) if day else None


@click.command()
@click.option("--dry-run", is_flag=True, help="Report what would change without writing it.")
@config_options
def retag(ctx: Context, dry_run: bool) -> None:
    """Re-apply the topics of topics.yaml to every stored article.

    Articles keep being tagged as they are crawled; run this after adding or changing a topic so
    that articles stored earlier are tagged (or untagged) the same way.
    """
    from mediamon.store.retag import count_articles, retag_articles

    total = count_articles(ctx.engine)
    zone = ctx.config.settings.zone
    with click.progressbar(length=total, label="retagging", file=sys.stderr) as bar:
        report = retag_articles(ctx.engine, ctx.config.topics, zone, bar.update, dry_run)
    verb = "would change" if dry_run else "changed"
    click.echo(f"{report.articles} article(s) checked, tags {verb} on {report.changed}")
    for topic_id, count in sorted(report.added.items()):
        click.echo(f"  +{count} {topic_id}")
    for topic_id, count in sorted(report.removed.items()):
        click.echo(f"  -{count} {topic_id}")
