"""The API's cursor-paged lists of articles and stories, and the filters they share with
search.

A list pages by an opaque cursor (:func:`encode_cursor`): the last row's key, so a page costs
the same however deep it is.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import Engine, Select, select
from sqlalchemy.orm import Session

from mediamon.core.config import Config
from mediamon.core.models import (
    ArticleRow,
    ArticleTopic,
    StoryMember,
)
from mediamon.core.models import Story as StoryRow

MAX_LIMIT = 100
MAX_KEY = 2**62  # ids in a cursor: within what every database's integers hold
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


def page_of(
    engine: Engine, statement: Select[Any], limit: int, key: Callable[[Any], dict[str, Any]]
) -> Page[Any]:
    """The first ``limit`` rows of ``statement`` (which asks for one more), and the cursor of
    the next page, made of the ``key`` of the last row, when there is one."""
    with Session(engine) as session:
        rows = list(session.scalars(statement))
        session.expunge_all()
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(rows, encode_cursor(key(rows[-1])) if more else None)


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


def article_page(
    engine: Engine, config: Config, filters: ArticleFilters, cursor: str | None, limit: int
) -> Page[ArticleRow]:
    """Articles newest collected first (by id), after ``cursor``."""
    key = decode_cursor(cursor, {"id": int})
    # The page's ids first, then their rows: a filter answered from an index (an outlet's
    # articles) sorts ids only, not the full rows of every article it selects.
    chosen = filtered_articles(select(ArticleRow.id), filters, config)
    if key is not None:
        chosen = chosen.where(ArticleRow.id < key["id"])
    chosen = chosen.order_by(ArticleRow.id.desc()).limit(limit + 1)
    statement = (
        select(ArticleRow)
        .where(ArticleRow.id.in_(chosen.scalar_subquery()))
        .order_by(ArticleRow.id.desc())
    )
    return page_of(engine, statement, limit, lambda row: {"id": row.id})


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
        # Per story, newest first, until the page is full: not every tagged article up front.
        tagged = (
            select(StoryMember.article_id)
            .join(ArticleTopic, ArticleTopic.article_id == StoryMember.article_id)
            .where(StoryMember.story_id == StoryRow.id, ArticleTopic.topic_id == topic)
        )
        statement = statement.where(tagged.exists())
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
    return page_of(
        engine, statement, limit, lambda row: {"seen": row.last_seen_at.isoformat(), "id": row.id}
    )
