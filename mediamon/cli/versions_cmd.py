"""`mediamon versions URL`: the texts a stored article has had, and what changed between them."""

from __future__ import annotations

import click

from mediamon.cli.common import reading_config_options
from mediamon.core.context import Context


@click.command()
@click.argument("url")
@click.option("--diff", "versions", nargs=2, type=int, help="Show what changed from A to B.")
@reading_config_options
def versions(ctx: Context, url: str, versions: tuple[int, int] | None) -> None:
    """List the versions of the article at URL (any variant of its address), or diff two."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from mediamon.core.models import ArticleRow
    from mediamon.extract.canonical import canonicalize
    from mediamon.store.versions import article_texts, compare_versions

    with Session(ctx.engine) as session:
        query = select(ArticleRow.id).where(ArticleRow.canonical_url == canonicalize(url))
        article_id = session.scalars(query).first()
    if article_id is None:
        raise click.BadParameter(f"no stored article at {url}", param_hint="URL")
    try:
        if versions:
            click.echo("\n".join(compare_versions(ctx.engine, article_id, *versions)))
            return
    except KeyError as exc:
        raise click.BadParameter(str(exc.args[0]), param_hint="--diff") from exc
    for text in article_texts(ctx.engine, article_id):
        click.echo(f"{text.number}  fetched {text.fetched_at:%Y-%m-%d %H:%M}  {text.title}")
