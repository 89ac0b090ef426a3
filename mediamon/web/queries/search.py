"""Search for the Search page and the API: a page of matches with marked snippets, and facets.

Search pages by the number of matches already shown (in the cursor), because matching
(stemming, phrases, NEAR, NOT) happens after the index has picked candidates; facets count the
first :data:`FACET_SCAN` matches.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, Row, func, select
from sqlalchemy.orm import Session

from mediamon.core.config import Config
from mediamon.core.models import (
    ArticleRow,
    ArticleTopic,
)
from mediamon.digest.render import plain
from mediamon.query.nodes import Term
from mediamon.query.parser import Query
from mediamon.query.stemming import term_keys, token_keys
from mediamon.query.text_analysis import normalize_word
from mediamon.store.search import SearchFilters, articles_by_id, matching_facts
from mediamon.web.queries.listings import ArticleFilters, decode_cursor, encode_cursor

FACET_SCAN = 500  # facets count at most this many matches (the page says when it stopped)
SNIPPET_WORDS = 14  # words shown on each side of the first highlighted word
WORDS = re.compile(r"\w+|\W+")


@dataclass(frozen=True)
class SnippetPart:
    text: str
    match: bool


@dataclass(frozen=True)
class Hit:
    article: ArticleRow
    snippet: tuple[SnippetPart, ...]


@dataclass
class Facets:
    outlet: Counter[str] = field(default_factory=Counter)
    label: Counter[str] = field(default_factory=Counter)
    language: Counter[str] = field(default_factory=Counter)
    topic: Counter[str] = field(default_factory=Counter)
    day: Counter[str] = field(default_factory=Counter)
    counted: int = 0
    complete: bool = True
    article_ids: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class SearchResult:
    hits: list[Hit]
    next_cursor: str | None
    facets: Facets


def run_search(
    engine: Engine,
    config: Config,
    query: Query,
    filters: ArticleFilters,
    cursor: str | None,
    limit: int,
) -> SearchResult:
    """One page of matches after ``cursor``, with facets over the matches (at most
    :data:`FACET_SCAN` of them)."""
    key = decode_cursor(cursor, {"skip": int})
    skip = max(0, key["skip"]) if key else 0
    outlets = filters.outlet_ids(config)
    store_filters = SearchFilters(
        outlets=outlets if outlets is not None else (),
        since=filters.since,
        topic=filters.topic,
        limit=None,
        until=filters.until,
        languages=filters.languages,
    )
    if outlets == []:
        return SearchResult([], None, Facets())
    labels = {o.id: tuple(o.labels) for o in config.outlets}
    facets = Facets()
    page: list[int] = []
    more = False
    stop = max(FACET_SCAN, skip + limit + 1)
    for position, row in enumerate(matching_facts(engine, query, store_filters)):
        if position >= stop:  # a match past the page and past the facets' count
            facets.complete = False
            more = True
            break
        if position < FACET_SCAN:
            _count(facets, row, labels)
        if skip <= position < skip + limit:
            page.append(row.id)
        elif position >= skip + limit:
            more = True
    _count_topics(engine, facets)
    rows = articles_by_id(engine, page)
    hits = [Hit(row, snippet(query, row.text or "", row.language)) for row in rows]
    next_cursor = encode_cursor({"skip": skip + limit}) if more else None
    return SearchResult(hits, next_cursor, facets)


def _count(facets: Facets, row: Row[Any], labels: dict[str, tuple[str, ...]]) -> None:
    facets.counted += 1
    facets.outlet[row.outlet_id] += 1
    for label in labels.get(row.outlet_id, ()):
        facets.label[label] += 1
    facets.language[row.language or "unknown"] += 1
    if row.published_at is not None:
        facets.day[f"{row.published_at:%Y-%m-%d}"] += 1
    facets.article_ids.append(row.id)


def _count_topics(engine: Engine, facets: Facets) -> None:
    """The topic facet: how many of the counted matches each topic tags."""
    ids = facets.article_ids
    with Session(engine) as session:
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            rows = session.execute(
                select(ArticleTopic.topic_id, func.count())
                .where(ArticleTopic.article_id.in_(chunk))
                .group_by(ArticleTopic.topic_id)
            )
            for topic_id, count in rows:
                facets.topic[topic_id] += count


def snippet(query: Query, text: str, language: str | None) -> tuple[SnippetPart, ...]:
    """A stretch of ``text`` around the first word the query matches, its matching words
    marked (the start of the text when no single word matches)."""
    wanted = _wanted_keys(query.root.leaves(), language)
    pieces = WORDS.findall(plain(text))  # one line, no control characters: shown as it is
    marks = [_is_match(piece, language, wanted) for piece in pieces]
    first = marks.index(True) if True in marks else 0
    start = max(0, first - 2 * SNIPPET_WORDS)
    end = min(len(pieces), first + 2 * SNIPPET_WORDS)
    parts = [
        SnippetPart(piece, mark)
        for piece, mark in zip(pieces[start:end], marks[start:end], strict=True)
    ]
    if start > 0:
        parts.insert(0, SnippetPart("…", False))
    if end < len(pieces):
        parts.append(SnippetPart("…", False))
    return tuple(parts)


@dataclass(frozen=True)
class WantedKeys:
    keys: frozenset[str]
    prefixes: tuple[str, ...]


def _wanted_keys(leaves: Iterable[tuple[Any, bool]], language: str | None) -> WantedKeys:
    keys: set[str] = set()
    prefixes: list[str] = []
    for leaf, negated in leaves:
        if negated:
            continue
        for term in _terms(leaf):
            if term.prefix:
                prefixes.append(normalize_word(term.word))
            else:
                keys.update(term_keys(normalize_word(term.word), language))
    return WantedKeys(frozenset(keys), tuple(prefixes))


def _terms(leaf: Any) -> Iterator[Term]:
    if isinstance(leaf, Term):
        yield leaf
        return
    for name in ("terms", "left", "right"):
        value = getattr(leaf, name, None)
        if isinstance(value, Term):
            yield value
        elif isinstance(value, tuple):
            yield from (item for item in value if isinstance(item, Term))
        elif value is not None:
            yield from _terms(value)


def _is_match(piece: str, language: str | None, wanted: WantedKeys) -> bool:
    if not piece[:1].isalnum():
        return False
    word = normalize_word(piece)
    if wanted.prefixes and word.startswith(wanted.prefixes):
        return True
    return bool(wanted.keys & set(token_keys(word, language)))
