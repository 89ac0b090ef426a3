"""Full-text search over stored articles, in the topic query language.

Two steps: the SQLite FTS5 index (migration 0002) narrows the archive to candidates, then
``Query.matches`` decides with the query language's exact semantics (stemming, phrases, NEAR,
NOT). The FTS query is a loose superset: each word becomes a prefix search on the part of the
word its stems share with it ("белгородской" -> белгород*), phrases and NEAR become AND, and NOT
is left to the second step. On databases without the FTS table (PostgreSQL, for now) every
article passing the outlet, date and topic filters is a candidate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, Select, inspect, select, text
from sqlalchemy.orm import Session

from mediamon.db import ArticleRow, ArticleTopic
from pipelines.query import Query
from pipelines.query_nodes import And, AnyOf, Near, Node, Not, Or, Phrase, Term
from pipelines.stemming import term_keys

FTS_TABLE = "articles_fts"
MIN_FTS_PREFIX = 2
BATCH = 200


@dataclass(frozen=True)
class SearchFilters:
    outlets: Sequence[str] = ()
    since: datetime | None = None
    topic: str | None = None
    limit: int | None = 20


def fts_query(node: Node) -> str | None:
    """An FTS5 query matching at least every article ``node`` matches; None: cannot narrow."""
    if isinstance(node, Term):
        return _term_query(node)
    if isinstance(node, Phrase):
        return _all_of(list(node.terms))
    if isinstance(node, Near):
        return _all_of([node.left, node.right])
    if isinstance(node, And):
        return _all_of(list(node.children))
    if isinstance(node, AnyOf):
        return _any_of(list(node.options))
    if isinstance(node, Or):
        return _any_of(list(node.children))
    if isinstance(node, Not):
        return None
    raise TypeError(f"unknown query node {node!r}")


def _all_of(nodes: Sequence[Node]) -> str | None:
    parts = [part for part in map(fts_query, nodes) if part is not None]
    return "(" + " AND ".join(parts) + ")" if parts else None


def _any_of(nodes: Sequence[Node]) -> str | None:
    parts = [fts_query(node) for node in nodes]
    if not parts or None in parts:
        return None
    return "(" + " OR ".join(part for part in parts if part) + ")"


def _term_query(term: Term) -> str | None:
    prefix = term.word if term.prefix else _stem_prefix(term.word)
    # FTS5's tokenizer splits at apostrophes; the part before one is still a safe prefix.
    prefix = prefix.split("'")[0]
    if len(prefix) < MIN_FTS_PREFIX:
        return None
    return '"' + prefix.replace('"', '""') + '"*'


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
    return engine.dialect.name == "sqlite" and inspect(engine).has_table(FTS_TABLE)


def search(engine: Engine, query: Query, filters: SearchFilters) -> list[ArticleRow]:
    """Stored articles matching ``query`` and the filters, newest first."""
    found: list[ArticleRow] = []
    with Session(engine) as session:
        statement = _candidate_query(engine, query, filters).execution_options(yield_per=BATCH)
        for row in session.scalars(statement):
            if query.matches(row.title, row.text, row.language):
                session.expunge(row)
                found.append(row)
                if filters.limit and len(found) >= filters.limit:
                    break
    return found


def _candidate_query(engine: Engine, query: Query, filters: SearchFilters) -> Select[Any]:
    statement = select(ArticleRow)
    if filters.outlets:
        statement = statement.where(ArticleRow.outlet_id.in_(filters.outlets))
    if filters.since:
        statement = statement.where(ArticleRow.published_at >= filters.since)
    if filters.topic:
        tagged = select(ArticleTopic.article_id).where(ArticleTopic.topic_id == filters.topic)
        statement = statement.where(ArticleRow.id.in_(tagged))
    match = fts_query(query.root)
    if match is not None and has_fts(engine):
        matching = text(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :match")
        statement = statement.where(ArticleRow.id.in_(matching.bindparams(match=match)))
    return statement.order_by(ArticleRow.published_at.desc(), ArticleRow.id.desc())
