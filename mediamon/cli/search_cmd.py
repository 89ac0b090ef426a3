"""`mediamon search QUERY`: find stored articles with the topic query language."""

from __future__ import annotations

from datetime import UTC, datetime

import click

from mediamon.cli.common import reading_config_options
from mediamon.core.context import Context


@click.command()
@click.argument("query")
@click.option("--outlet", "outlets", multiple=True, help="Only this outlet id (repeatable).")
@click.option(
    "--since",
    type=click.DateTime(["%Y-%m-%d"]),
    help="Only articles published on or after this day (UTC).",
)
@click.option("--topic", help="Only articles tagged with this topic id.")
@click.option("--limit", default=20, show_default=True, help="Show at most this many articles.")
@reading_config_options
def search(
    ctx: Context,
    query: str,
    outlets: tuple[str, ...],
    since: datetime | None,
    topic: str | None,
    limit: int,
) -> None:
    """Search stored articles' titles and texts, newest first.

    QUERY is in the topic query language: AND, OR, NOT, (parentheses), "exact phrases",
    prefix*, NEAR/n; words match in any inflection, e.g.
    mediamon search 'Белгород AND (рейд OR incursion)'.
    """
    from mediamon.query.parser import QuerySyntaxError, parse_query
    from mediamon.store.search import SearchFilters
    from mediamon.store.search import search as search_articles

    try:
        parsed = parse_query(query)
    except QuerySyntaxError as exc:
        raise click.BadParameter(str(exc), param_hint="QUERY") from exc
    filters = SearchFilters(outlets, since.replace(tzinfo=UTC) if since else None, topic, limit)
    found = search_articles(ctx.engine, parsed, filters)
    for row in found:
        published = row.page_published_at
        day = f"{published:%Y-%m-%d}" if published else "????-??-??"
        click.echo(f"{day}  {row.outlet_id}  {row.title}\n  {row.canonical_url}")
    click.echo(
        f"{len(found)} article(s) found" + (" (limit reached)" if len(found) == limit else "")
    )
