"""Full-text search over stored articles, in the topic query language.

Two steps: the full-text index (SQLite FTS5, migration 0002; a PostgreSQL tsvector, migration
0003) narrows the archive to candidates, then ``Query.matches`` decides with the query language's
exact semantics (stemming, phrases, NEAR, NOT). The index query is a loose superset: each word
becomes a prefix search on the part of the word its stems share with it ("белгородской" ->
белгород*), phrases and NEAR become AND, and NOT is left to the second step. On a database
without the index every article passing the outlet, date and topic filters is a candidate.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, Select, select
from sqlalchemy.orm import Session, defer

from mediamon.core.dialects import IndexSyntax, dialect_of
from mediamon.core.models import ArticleRow, ArticleTopic
from mediamon.query.nodes import And, AnyOf, Near, Node, Not, Or, Phrase, Term
from mediamon.query.parser import Query
from mediamon.query.stemming import term_keys

BATCH = 200


@dataclass(frozen=True)
class SearchFilters:
    outlets: Sequence[str] = ()
    since: datetime | None = None
    topic: str | None = None
    limit: int | None = 20
    until: datetime | None = None  # published before this moment
    languages: Sequence[str] = ()


def fts_query(node: Node, syntax: IndexSyntax) -> str | None:
    """An index query matching at least every article ``node`` matches; None: cannot narrow."""
    if isinstance(node, Term):
        return syntax.prefix(node.word if node.prefix else _stem_prefix(node.word))
    if isinstance(node, Phrase):
        return _all_of(list(node.terms), syntax)
    if isinstance(node, Near):
        return _all_of([node.left, node.right], syntax)
    if isinstance(node, And):
        return _all_of(list(node.children), syntax)
    if isinstance(node, AnyOf):
        return _any_of(list(node.options), syntax)
    if isinstance(node, Or):
        return _any_of(list(node.children), syntax)
    if isinstance(node, Not):
        return None
    raise TypeError(f"unknown query node {node!r}")


def _all_of(nodes: Sequence[Node], syntax: IndexSyntax) -> str | None:
    parts = [part for node in nodes if (part := fts_query(node, syntax)) is not None]
    return "(" + syntax.and_.join(parts) + ")" if parts else None


def _any_of(nodes: Sequence[Node], syntax: IndexSyntax) -> str | None:
    parts = [fts_query(node, syntax) for node in nodes]
    if not parts or None in parts:
        return None
    return "(" + syntax.or_.join(part for part in parts if part) + ")"


def _stem_prefix(word: str) -> str:
    """The longest start of ``word`` that every form sharing one of its stems also starts with."""
    prefix = word
    for key in term_keys(word, None):
        prefix = _common_start(prefix, key.partition(":")[2] or key)
    return prefix


def _common_start(first: str, second: str) -> str:
    length = 0
    for mine, theirs in zip(first, second, strict=False):
        if mine != theirs:
            break
        length += 1
    return first[:length]


def has_fts(engine: Engine) -> bool:
    """Whether the database has its kind's full-text index (SQLite FTS5, PostgreSQL tsvector)."""
    return dialect_of(engine).has_fulltext(engine)


def search(engine: Engine, query: Query, filters: SearchFilters) -> list[ArticleRow]:
    """Stored articles matching ``query`` and the filters, newest first (at most
    ``filters.limit``)."""
    found: list[ArticleRow] = []
    for row in matching(engine, query, filters):
        found.append(row)
        if filters.limit and len(found) >= filters.limit:
            break
    return found


def matching(engine: Engine, query: Query, filters: SearchFilters) -> Iterator[ArticleRow]:
    """Every stored article matching ``query`` and the filters, newest first, read in batches
    as the caller goes on (``filters.limit`` is the caller's to apply)."""
    with Session(engine) as session:
        statement = (
            _candidate_query(engine, query, filters)
            .options(defer(ArticleRow.raw_html))  # the page as downloaded: not read here
            .execution_options(yield_per=BATCH)
        )
        for row in session.scalars(statement):
            if query.matches(row.title, row.text, row.language):
                session.expunge(row)
                yield row


def _candidate_query(engine: Engine, query: Query, filters: SearchFilters) -> Select[Any]:
    statement = select(ArticleRow)
    if filters.outlets:
        statement = statement.where(ArticleRow.outlet_id.in_(filters.outlets))
    if filters.since:
        statement = statement.where(ArticleRow.published_at >= filters.since)
    if filters.until:
        statement = statement.where(ArticleRow.published_at < filters.until)
    if filters.languages:
        statement = statement.where(ArticleRow.language.in_(filters.languages))
    if filters.topic:
        tagged = select(ArticleTopic.article_id).where(ArticleTopic.topic_id == filters.topic)
        statement = statement.where(ArticleRow.id.in_(tagged))
    dialect = dialect_of(engine)
    if dialect.has_fulltext(engine):
        match = fts_query(query.root, dialect.fulltext_syntax)
        if match is not None:
            statement = dialect.fulltext_candidates(statement, match)
    return statement.order_by(ArticleRow.published_at.desc(), ArticleRow.id.desc())
