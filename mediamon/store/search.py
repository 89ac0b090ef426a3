"""Full-text search over stored articles, in the topic query language.

Two steps: candidates are narrowed cheaply, then ``Query.matches`` decides with the query
language's exact semantics (stemming, phrases, NEAR, NOT). Candidates come newest first: the
newest :data:`DENSE_SCAN` articles passing the filters are read through the date index and
narrowed in memory (a query most articles match fills its page there, without touching the
full-text index, whose look-ups cost most for the commonest words); past them, the full-text
index (SQLite FTS5, migration 0002; a PostgreSQL tsvector, migration 0003) narrows the rest
(cheap for the rare words such a query needs). Both narrowings are loose supersets: each word
must appear as the part of the word its stems share with it ("белгородской" -> белгород*),
phrases and NEAR become AND, and NOT is left to the second step. On a database without the index
every article passing the outlet, date and topic filters is a candidate. Each verdict is cached
per query and article text, so no text is stemmed twice for the same query.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from threading import Lock
from typing import Any

from sqlalchemy import Engine, Row, Select, select
from sqlalchemy.orm import Session, defer

from mediamon.core.dialects import IndexSyntax, dialect_of
from mediamon.core.models import ArticleRow, ArticleTopic
from mediamon.query.nodes import And, AnyOf, Near, Node, Not, Or, Phrase, Term
from mediamon.query.parser import Query
from mediamon.query.stemming import term_keys
from mediamon.query.text_analysis import clean_text, normalize_word

BATCH = 200
DENSE_SCAN = 1000  # newest candidates narrowed in memory before the full-text index takes over
FACTS: tuple[Any, ...] = (  # what matching and facets read of each candidate
    ArticleRow.id,
    ArticleRow.outlet_id,
    ArticleRow.language,
    ArticleRow.published_at,
    ArticleRow.title,
    ArticleRow.text,
)
VERDICTS = 200_000  # cached match verdicts (query, article, text) -> bool


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


def needed_words(node: Node) -> Node | str | None:
    """``fts_query`` for the in-memory narrowing: the start of a word (str) every match contains,
    an And/Or of them, or None (cannot narrow)."""
    if isinstance(node, Term):
        return normalize_word(node.word if node.prefix else _stem_prefix(node.word))
    if isinstance(node, Phrase):
        return And(tuple(node.terms))
    if isinstance(node, Near):
        return And((node.left, node.right))
    if isinstance(node, And | AnyOf | Or | Not):
        return node
    raise TypeError(f"unknown query node {node!r}")


def may_match(node: Node, haystack: str) -> bool:
    """Whether an article whose normalised title and text are ``haystack`` may match ``node``
    (False only when it cannot)."""
    needed = needed_words(node)
    if isinstance(needed, str):
        return needed in haystack
    if isinstance(needed, And):
        return all(may_match(child, haystack) for child in needed.children)
    if isinstance(needed, AnyOf):
        return any(may_match(option, haystack) for option in needed.options)
    if isinstance(needed, Or):
        return any(may_match(child, haystack) for child in needed.children)
    return True  # NOT, and anything else: left to Query.matches


class _Verdicts:
    """Query.matches results by (query, article, hash of its title, text and language): the
    newest articles are matched by every search, and stemming them is most of its cost."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.lock = Lock()
        self.known: OrderedDict[tuple[str, int, int], bool] = OrderedDict()

    def matches(self, query: Query, row: Row[Any]) -> bool:
        key = (query.text, row.id, hash((row.title, row.text, row.language)))
        with self.lock:
            verdict = self.known.get(key)
            if verdict is not None:
                self.known.move_to_end(key)
                return verdict
        haystack = normalize_word(clean_text(f"{row.title or ''}\n{row.text or ''}"))
        verdict = may_match(query.root, haystack) and query.matches(
            row.title, row.text, row.language
        )
        with self.lock:
            self.known[key] = verdict
            while len(self.known) > self.size:
                self.known.popitem(last=False)
        return verdict


_verdicts = _Verdicts(VERDICTS)


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
    batch: list[int] = []
    for match in matching_facts(engine, query, filters):
        batch.append(match.id)
        if len(batch) >= (filters.limit or BATCH):
            yield from articles_by_id(engine, batch)
            batch = []
    yield from articles_by_id(engine, batch)


def matching_facts(engine: Engine, query: Query, filters: SearchFilters) -> Iterator[Row[Any]]:
    """Like :func:`matching`, each match as its ``id``, ``outlet_id``, ``language`` and
    ``published_at`` only (what facets count: cheaper than the whole article)."""
    walked: set[int] = set()
    with engine.connect() as connection:
        newest = _reading(_filtered(filters).limit(DENSE_SCAN))
        for row in connection.execute(newest):
            walked.add(row.id)
            if _verdicts.matches(query, row):
                yield row
        if len(walked) < DENSE_SCAN:
            return  # every article passing the filters was a candidate
        for row in connection.execute(_reading(_candidate_query(engine, query, filters))):
            if row.id not in walked and _verdicts.matches(query, row):
                yield row


def articles_by_id(engine: Engine, ids: Sequence[int]) -> list[ArticleRow]:
    """The stored articles with these ids, in this order (without their downloaded page)."""
    if not ids:
        return []
    with Session(engine) as session:
        statement = select(ArticleRow).where(ArticleRow.id.in_(ids))
        found = {
            row.id: row for row in session.scalars(statement.options(defer(ArticleRow.raw_html)))
        }
        session.expunge_all()
    return [found[article_id] for article_id in ids if article_id in found]


def _reading(statement: Select[Any]) -> Select[Any]:
    return statement.execution_options(yield_per=BATCH)


def _candidate_query(engine: Engine, query: Query, filters: SearchFilters) -> Select[Any]:
    statement = _filtered(filters)
    dialect = dialect_of(engine)
    if dialect.has_fulltext(engine):
        match = fts_query(query.root, dialect.fulltext_syntax)
        if match is not None:
            statement = dialect.fulltext_candidates(statement, match)
    return statement


def _filtered(filters: SearchFilters) -> Select[Any]:
    """The facts of the articles passing the filters, newest first."""
    statement = select(*FACTS)
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
    return statement.order_by(ArticleRow.published_at.desc(), ArticleRow.id.desc())
