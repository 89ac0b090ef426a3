"""Read queries behind Search, Outlets, Runs and Digests, and the API's cursor-paged lists.

Lists page by an opaque cursor (:func:`encode_cursor`): the last row's key, so a page costs the
same however deep it is. Search pages by the number of matches already shown, because matching
(stemming, phrases, NEAR, NOT) happens after the index has picked candidates.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import Engine, Select, func, select
from sqlalchemy.orm import Session

from mediamon.core.config import Config
from mediamon.core.config_models import Outlet
from mediamon.core.digest_formats import DIGEST_FORMATS, digest_format
from mediamon.core.models import (
    ArticleRow,
    ArticleTopic,
    BoilerplateLine,
    DigestRecord,
    Feed,
    Run,
    StoryMember,
)
from mediamon.core.models import Story as StoryRow
from mediamon.ops.health import current_alerts
from mediamon.ops.jobs import scheduled_digest_path
from mediamon.ops.run_log_lines import LogLines, read_explaining_lines
from mediamon.query.nodes import Term
from mediamon.query.parser import Query
from mediamon.query.stemming import term_keys, token_keys
from mediamon.query.text_analysis import normalize_word
from mediamon.store.search import SearchFilters, matching

MAX_LIMIT = 100
MAX_KEY = 2**62  # ids in a cursor: within what every database's integers hold
FACET_SCAN = 500  # facets count at most this many matches (the page says when it stopped)
SNIPPET_WORDS = 14  # words shown on each side of the first highlighted word
WORDS = re.compile(r"\w+|\W+")


T = TypeVar("T")


class BadCursor(ValueError):
    """A cursor this server did not hand out."""


def encode_cursor(key: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(key, sort_keys=True).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None, fields: dict[str, type]) -> dict[str, Any] | None:
    """The key inside ``cursor`` (None: the first page), checked field by field."""
    if not cursor:
        return None
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise BadCursor("the cursor is not one this server handed out") from exc
    if not isinstance(key, dict) or set(key) != set(fields):
        raise BadCursor("the cursor is not one this server handed out")
    for name, kind in fields.items():
        value = key[name]
        if not isinstance(value, kind) or isinstance(value, bool):
            raise BadCursor("the cursor is not one this server handed out")
        if isinstance(value, int) and not 0 <= value <= MAX_KEY:
            raise BadCursor("the cursor is not one this server handed out")
    return key


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None


# Filters shared by the article list and search ------------------------------------------------


@dataclass(frozen=True)
class ArticleFilters:
    outlets: Sequence[str] = ()
    labels: Sequence[str] = ()
    languages: Sequence[str] = ()
    topic: str | None = None
    since: datetime | None = None
    until: datetime | None = None

    def outlet_ids(self, config: Config) -> list[str] | None:
        """The outlets the outlet and label filters leave (None: no such filter)."""
        if not self.outlets and not self.labels:
            return None
        chosen = set(self.outlets) if self.outlets else {o.id for o in config.outlets}
        if self.labels:
            labelled = {o.id for o in config.outlets if set(o.labels) & set(self.labels)}
            chosen &= labelled
        return sorted(chosen)


def filtered_articles(
    statement: Select[Any], filters: ArticleFilters, config: Config
) -> Select[Any]:
    outlets = filters.outlet_ids(config)
    if outlets is not None:
        statement = statement.where(ArticleRow.outlet_id.in_(outlets))
    if filters.languages:
        statement = statement.where(ArticleRow.language.in_(filters.languages))
    if filters.topic:
        tagged = select(ArticleTopic.article_id).where(ArticleTopic.topic_id == filters.topic)
        statement = statement.where(ArticleRow.id.in_(tagged))
    if filters.since:
        statement = statement.where(ArticleRow.published_at >= filters.since)
    if filters.until:
        statement = statement.where(ArticleRow.published_at < filters.until)
    return statement


# Articles and stories, cursor-paged -----------------------------------------------------------


def article_page(
    engine: Engine, config: Config, filters: ArticleFilters, cursor: str | None, limit: int
) -> Page[ArticleRow]:
    """Articles newest collected first (by id), after ``cursor``."""
    key = decode_cursor(cursor, {"id": int})
    statement = filtered_articles(select(ArticleRow), filters, config)
    if key is not None:
        statement = statement.where(ArticleRow.id < key["id"])
    statement = statement.order_by(ArticleRow.id.desc()).limit(limit + 1)
    with Session(engine) as session:
        rows = list(session.scalars(statement))
        session.expunge_all()
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(rows, encode_cursor({"id": rows[-1].id}) if more else None)


def story_page(
    engine: Engine,
    topic: str | None,
    since: datetime | None,
    cursor: str | None,
    limit: int,
) -> Page[StoryRow]:
    """Stories most recently active first, after ``cursor``."""
    key = decode_cursor(cursor, {"seen": str, "id": int})
    statement = select(StoryRow)
    if topic:
        tagged = (
            select(StoryMember.story_id)
            .join(ArticleTopic, ArticleTopic.article_id == StoryMember.article_id)
            .where(ArticleTopic.topic_id == topic)
        )
        statement = statement.where(StoryRow.id.in_(tagged))
    if since:
        statement = statement.where(StoryRow.last_seen_at >= since)
    if key is not None:
        try:
            seen = datetime.fromisoformat(key["seen"])
        except ValueError as exc:
            raise BadCursor("the cursor is not one this server handed out") from exc
        statement = statement.where(
            (StoryRow.last_seen_at < seen)
            | ((StoryRow.last_seen_at == seen) & (StoryRow.id < key["id"]))
        )
    statement = statement.order_by(StoryRow.last_seen_at.desc(), StoryRow.id.desc()).limit(
        limit + 1
    )
    with Session(engine) as session:
        rows = list(session.scalars(statement))
        session.expunge_all()
    more = len(rows) > limit
    rows = rows[:limit]
    last = rows[-1] if rows else None
    next_cursor = (
        encode_cursor({"seen": last.last_seen_at.isoformat(), "id": last.id})
        if more and last
        else None
    )
    return Page(rows, next_cursor)


# Search -----------------------------------------------------------------------------------------


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
    page: list[ArticleRow] = []
    more = False
    stop = max(FACET_SCAN, skip + limit + 1)
    for position, row in enumerate(matching(engine, query, store_filters)):
        if position >= stop:  # a match past the page and past the facets' count
            facets.complete = False
            more = True
            break
        if position < FACET_SCAN:
            _count(facets, row, labels)
        if skip <= position < skip + limit:
            page.append(row)
        elif position >= skip + limit:
            more = True
    _count_topics(engine, facets)
    hits = [Hit(row, snippet(query, row.text or "", row.language)) for row in page]
    next_cursor = encode_cursor({"skip": skip + limit}) if more else None
    return SearchResult(hits, next_cursor, facets)


def _count(facets: Facets, row: ArticleRow, labels: dict[str, tuple[str, ...]]) -> None:
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
    pieces = WORDS.findall(text)
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


# Outlets ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OutletHealth:
    id: str
    name: str
    labels: tuple[str, ...]
    articles: int
    last_poll: datetime | None
    next_due: datetime | None
    failing_feeds: int
    feed_failures: int
    alerts: tuple[str, ...]


@dataclass(frozen=True)
class FeedPolls:
    """What an outlet's feeds say: the last poll, the next one due, feeds whose last poll
    failed and the failed polls in a row summed over its feeds."""

    last_poll: datetime | None = None
    next_due: datetime | None = None
    failing_feeds: int = 0
    failures: int = 0


def outlets_health(engine: Engine, config: Config) -> list[OutletHealth]:
    """Every configured outlet: articles stored, last poll, next poll due, failures, alerts."""
    with Session(engine) as session:
        counts = dict(
            session.execute(
                select(ArticleRow.outlet_id, func.count()).group_by(ArticleRow.outlet_id)
            ).all()
        )
        polls = {
            outlet_id: FeedPolls(last, due, int(failing or 0), int(failures or 0))
            for outlet_id, last, due, failing, failures in session.execute(
                select(
                    Feed.outlet_id,
                    func.max(Feed.last_polled_at),
                    func.min(Feed.next_poll_at),
                    func.count().filter(Feed.consecutive_failures > 0),
                    func.sum(Feed.consecutive_failures),
                ).group_by(Feed.outlet_id)
            )
        }
    alerts: dict[str, list[str]] = {}
    for alert in current_alerts(engine, config):
        alerts.setdefault(alert.outlet_id, []).append(alert.message)
    return [
        _health(outlet, counts, polls.get(outlet.id, FeedPolls()), alerts)
        for outlet in config.outlets
    ]


def _health(
    outlet: Outlet, counts: dict[str, int], polls: FeedPolls, alerts: dict[str, list[str]]
) -> OutletHealth:
    return OutletHealth(
        id=outlet.id,
        name=outlet.name,
        labels=tuple(outlet.labels),
        articles=int(counts.get(outlet.id, 0)),
        last_poll=polls.last_poll,
        next_due=polls.next_due,
        failing_feeds=polls.failing_feeds,
        feed_failures=polls.failures,
        alerts=tuple(alerts.get(outlet.id, ())),
    )


def boilerplate_lines(engine: Engine, outlet_id: str) -> list[BoilerplateLine]:
    """The outlet's learned, pinned and exempt template lines, most widespread first."""
    query = (
        select(BoilerplateLine)
        .where(BoilerplateLine.outlet_id == outlet_id)
        .where(BoilerplateLine.status.in_(("learned", "pinned", "exempt")))
        .order_by(BoilerplateLine.article_count.desc(), BoilerplateLine.text)
    )
    with Session(engine) as session:
        lines = list(session.scalars(query))
        session.expunge_all()
    return lines


# Runs -------------------------------------------------------------------------------------------


def run_page(
    engine: Engine, job: str | None, outcome: str | None, cursor: str | None, limit: int
) -> Page[Run]:
    """Runs, the latest first, after ``cursor``."""
    key = decode_cursor(cursor, {"id": int})
    statement = select(Run)
    if job:
        statement = statement.where(Run.job == job)
    if outcome:
        statement = statement.where(Run.outcome == outcome)
    if key is not None:
        statement = statement.where(Run.id < key["id"])
    statement = statement.order_by(Run.id.desc()).limit(limit + 1)
    with Session(engine) as session:
        rows = list(session.scalars(statement))
        session.expunge_all()
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(rows, encode_cursor({"id": rows[-1].id}) if more else None)


def run_with_log(engine: Engine, run_id: int) -> tuple[Run, LogLines] | None:
    with Session(engine) as session:
        run = session.get(Run, run_id)
        if run is None:
            return None
        session.expunge(run)
    return run, read_explaining_lines(run.log_path)


# Digests ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DigestSent:
    """A digest as recorded (its topic selection, period and the stories it showed), and the
    formats of it the scheduler wrote that are still on disk."""

    selection: str
    period_kind: str
    period_start: datetime
    period_end: datetime
    stories: int
    formats: tuple[str, ...]


def digest_page(engine: Engine, config: Config, cursor: str | None, limit: int) -> Page[DigestSent]:
    """Recorded digests, the latest period first, after ``cursor``."""
    key = decode_cursor(cursor, {"skip": int})
    skip = key["skip"] if key else 0
    statement = (
        select(DigestRecord)
        .order_by(DigestRecord.period_start.desc(), DigestRecord.selection)
        .offset(skip)
        .limit(limit + 1)
    )
    with Session(engine) as session:
        records = list(session.scalars(statement))
        sent = [
            DigestSent(
                r.selection,
                r.period_kind,
                r.period_start,
                r.period_end,
                len(r.story_keys or []),
                digest_formats_on_disk(config, digest_day(r.period_start, config)),
            )
            for r in records[:limit]
        ]
    return Page(sent, encode_cursor({"skip": skip + limit}) if len(records) > limit else None)


def digest_day(start: datetime, config: Config) -> str:
    """The day (in ``settings.timezone``) a digest period starts on: its files' name."""
    return f"{start.astimezone(config.settings.zone):%Y-%m-%d}"


def digest_formats_on_disk(config: Config, day: str) -> tuple[str, ...]:
    return tuple(
        row.name for row in DIGEST_FORMATS if scheduled_digest_path(config, day, row.name).is_file()
    )


def digest_file(config: Config, day: str, format_name: str) -> tuple[bytes, str] | None:
    """The scheduler's digest of ``day`` in a format, as written, with its media type."""
    try:
        row = digest_format(format_name)
        datetime.strptime(day, "%Y-%m-%d")
    except (KeyError, ValueError):
        return None
    path = scheduled_digest_path(config, day, row.name)
    try:
        return path.read_bytes(), row.media_type
    except OSError:
        return None
