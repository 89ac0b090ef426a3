"""Reading and writing stories: members, key counts; see ``mediamon.stories.grouping``.

Grouping writes with Core statements on the connection of the transaction that
``mediamon.stories.grouping`` holds while it groups, which no other process groups during.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    Table,
    bindparam,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Session

from mediamon.core.dialects import Dialect, Upsert, dialect_of
from mediamon.core.models import ArticleRow, Story, StoryMember
from mediamon.stories.headlines import Headlines
from mediamon.stories.records import (
    ALL_ARTICLES,
    ARTICLES,
    FREQUENCIES,
    MEMBERS,
    STORIES,
    STORY_COLUMNS,
    STORY_KEYS,
    Arrival,
    StoryState,
)


@dataclass(frozen=True)
class StoryArticle:
    id: int
    outlet_id: str
    title: str | None
    url: str
    language: str | None
    seen_at: datetime
    duplicate_of: int | None
    why: dict[str, Any] | None = None  # why it joined (see ``mediamon.stories.grouping``)


@dataclass(frozen=True)
class StoryView:
    id: int
    headline: str
    first_outlet_id: str
    first_seen_at: datetime
    articles: list[StoryArticle]

    @property
    def outlets(self) -> list[str]:
        return list(dict.fromkeys(article.outlet_id for article in self.articles))


# Statements built once: building one costs more than running it on SQLite.
STORY_BY_ID = select(*STORY_COLUMNS).where(STORIES.c.id == bindparam("story_id"))
INSERT_STORY = insert(STORIES).returning(STORIES.c.id)
INSERT_MEMBER = insert(MEMBERS)
INSERT_STORY_KEY = insert(STORY_KEYS)
TOTAL = select(FREQUENCIES.c.articles).where(FREQUENCIES.c.key == ALL_ARTICLES)
FREQUENCIES_OF = select(FREQUENCIES.c.key, FREQUENCIES.c.articles).where(
    FREQUENCIES.c.key.in_(bindparam("keys", expanding=True))
)
COUNT_MEMBERS = select(func.count()).select_from(MEMBERS)
# Every column of a story but its id, set at once: one statement built once, rather than one
# built per change.
SAVED_FIELDS = [name for name in StoryState.__dataclass_fields__ if name != "id"]
UPDATE_STORY = (
    update(STORIES)
    .where(STORIES.c.id == bindparam("story_id"))
    .values({name: bindparam(f"new_{name}") for name in SAVED_FIELDS})
)
CENTROID = select(STORY_KEYS.c.key, STORY_KEYS.c.weight).where(
    STORY_KEYS.c.story_id == bindparam("story_id")
)


def story_state(connection: Connection, story_id: int) -> StoryState | None:
    row = connection.execute(STORY_BY_ID, {"story_id": story_id}).first()
    return StoryState(*row) if row else None


def start_story(connection: Connection, article: Arrival) -> int:
    story = {
        "headline": article.title,
        "first_outlet_id": article.outlet_id,
        "first_article_id": article.id,
        "first_seen_at": article.moment,
        "last_seen_at": article.moment,
        "article_count": 1,
        "norm_squared": _squared_length(article.vector),
    }
    story_id: int = connection.execute(INSERT_STORY, story).scalar_one()
    _insert_member(connection, story_id, article, 0.0)
    if article.vector:
        connection.execute(INSERT_STORY_KEY, _key_rows(story_id, article))
    return story_id


def add_member(
    connection: Connection,
    story: StoryState,
    article: Arrival,
    score: float,
    headlines: Headlines,
) -> StoryState:
    """Put ``article`` into ``story``, whose centroid it scored ``score`` against (its cosine
    similarity); the story as it is now."""
    _insert_member(connection, story.id, article, score)
    _add_counts(connection, STORY_KEYS, _key_rows(story.id, article))
    # |c + v|² = |c|² + 2 c·v + |v|², and c·v = score |c| |v|
    length = _squared_length(article.vector)
    dot = score * math.sqrt(story.norm_squared * length)
    grown = _spanning(story, article.moment, article.outlet_id, article.id)
    grown = replace(
        grown,
        article_count=story.article_count + 1,
        headline=headlines.after_adding(connection, story, article),
        norm_squared=story.norm_squared + 2 * dot + length,
    )
    _save(connection, story, grown)
    return grown


def _key_rows(story_id: int, article: Arrival) -> list[dict[str, Any]]:
    return [
        {"story_id": story_id, "key": key, "articles": 1, "weight": weight}
        for key, weight in article.vector.items()
    ]


def _squared_length(vector: dict[str, float]) -> float:
    return sum(weight * weight for weight in vector.values())


def centroid(connection: Connection, story_id: int) -> dict[str, float]:
    """The weight of each feature in a story's centroid."""
    rows = connection.execute(CENTROID, {"story_id": story_id}).all()
    return {key: weight for key, weight in rows}


def languages_of(connection: Connection, story_id: int) -> set[str]:
    """The languages a story's articles are written in (those known)."""
    query = (
        select(ARTICLES.c.language)
        .distinct()
        .join(MEMBERS, MEMBERS.c.article_id == ARTICLES.c.id)
        .where(MEMBERS.c.story_id == story_id, ARTICLES.c.language.is_not(None))
    )
    return set(connection.scalars(query))


def merge_stories(
    connection: Connection,
    target: StoryState,
    merged: StoryState,
    headlines: Headlines,
    centroids_dot: float,
) -> StoryState:
    """Move every article of story ``merged`` into ``target`` and delete the former;
    ``centroids_dot`` is the dot product of their centroids."""
    counts = select(STORY_KEYS.c.key, STORY_KEYS.c.articles, STORY_KEYS.c.weight).where(
        STORY_KEYS.c.story_id == merged.id
    )
    moved = [
        {"story_id": target.id, "key": key, "articles": count, "weight": weight}
        for key, count, weight in connection.execute(counts).all()
    ]
    connection.execute(delete(STORY_KEYS).where(STORY_KEYS.c.story_id == merged.id))
    _add_counts(connection, STORY_KEYS, moved)
    connection.execute(
        update(MEMBERS).where(MEMBERS.c.story_id == merged.id).values(story_id=target.id)
    )
    connection.execute(delete(STORIES).where(STORIES.c.id == merged.id))
    headlines.forget(merged.id)
    combined = _spanning(
        target, merged.first_seen_at, merged.first_outlet_id, merged.first_article_id
    )
    combined = replace(
        combined,
        last_seen_at=max(combined.last_seen_at, merged.last_seen_at),
        article_count=target.article_count + merged.article_count,
        headline=headlines.reloaded(connection, target.id),
        norm_squared=target.norm_squared + merged.norm_squared + 2 * centroids_dot,
    )
    _save(connection, target, combined)
    return combined


def _spanning(story: StoryState, moment: datetime, outlet_id: str, article_id: int) -> StoryState:
    """``story`` stretched to ``moment``; first seen at ``article_id`` if that is earliest."""
    if moment < story.first_seen_at:
        return replace(
            story, first_seen_at=moment, first_outlet_id=outlet_id, first_article_id=article_id
        )
    return replace(story, last_seen_at=max(story.last_seen_at, moment))


def _save(connection: Connection, old: StoryState, new: StoryState) -> None:
    if new != old:
        values = {f"new_{name}": getattr(new, name) for name in SAVED_FIELDS}
        connection.execute(UPDATE_STORY, {"story_id": old.id, **values})


def _insert_member(connection: Connection, story_id: int, article: Arrival, score: float) -> None:
    member = {
        "article_id": article.id,
        "story_id": story_id,
        "seen_at": article.moment,
        "score": score,
        "keys": sorted(article.keys),
        "why": article.why,
    }
    connection.execute(INSERT_MEMBER, member)


class KeyFrequencies:
    """In how many grouped articles each key occurs (the rarity weights of grouping), as one
    grouping transaction sees them. What it counts is written at the end of the transaction
    (``write``), in one statement rather than one per article. What it read is kept for the
    transaction: no other process writes counts during it (see ``mediamon.stories.grouping``),
    and the articles of a batch share most of their keys, so each is read once per batch."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.counted: Counter[str] = Counter()
        self.stored: dict[str, int] = {}
        if connection.scalar(TOTAL) is None:  # grouped before the total was kept
            total = COUNT_MEMBERS.scalar_subquery()
            connection.execute(insert(FREQUENCIES).values(key=ALL_ARTICLES, articles=total))

    def count(self, keys: Iterable[str]) -> None:
        """Count one more grouped article, with ``keys``."""
        self.counted[ALL_ARTICLES] += 1
        self.counted.update(keys)

    def forget(self, keys: Iterable[str]) -> None:
        """Uncount a grouped article, with ``keys`` (it is being regrouped)."""
        self.counted[ALL_ARTICLES] -= 1
        self.counted.subtract(keys)

    def of(self, keys: Collection[str]) -> tuple[int, dict[str, int]]:
        """How many articles are grouped, and how many of them have each of ``keys``."""
        wanted = [ALL_ARTICLES, *keys]
        stored = self.stored
        unread = [key for key in wanted if key not in stored]
        if unread:
            stored.update(dict.fromkeys(unread, 0))
            found = self.connection.execute(FREQUENCIES_OF, {"keys": unread}).all()
            stored.update({key: count for key, count in found})
        counted = self.counted
        frequencies = {key: stored.get(key, 0) + counted.get(key, 0) for key in wanted}
        return frequencies.pop(ALL_ARTICLES), frequencies

    def write(self) -> None:
        rows = [{"key": key, "articles": count} for key, count in self.counted.items()]
        _add_counts(self.connection, FREQUENCIES, rows)
        self.counted.clear()
        self.stored.clear()


def _add_counts(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert count rows, or add each to the count stored under the same primary key."""
    if rows:
        connection.execute(_upsert(dialect_of(connection), table), rows)


@cache
def _upsert(dialect: Dialect, table: Table) -> Upsert:
    """Insert a count, or add it to the count stored under the same primary key."""
    statement = dialect.insert(table)
    added = {"articles": table.c.articles + statement.excluded.articles}
    if "weight" in table.c:
        added["weight"] = table.c.weight + statement.excluded.weight
    return statement.on_conflict_do_update(index_elements=table.primary_key.columns, set_=added)


def stories_between(engine: Engine, start: datetime, end: datetime) -> list[StoryView]:
    """Stories first seen in [start, end), earliest first, with their articles."""
    with Session(engine) as session:
        query = select(Story).where(Story.first_seen_at >= start, Story.first_seen_at < end)
        stories = session.scalars(query.order_by(Story.first_seen_at, Story.id)).all()
        return [_view(session, story) for story in stories]


def story_by_id(engine: Engine, story_id: int) -> StoryView | None:
    with Session(engine) as session:
        story = session.get(Story, story_id)
        return _view(session, story) if story else None


def story_of(engine: Engine, article_id: int) -> StoryView | None:
    with Session(engine) as session:
        member = session.get(StoryMember, article_id)
        story = session.get(Story, member.story_id) if member else None
        return _view(session, story) if story else None


def _view(session: Session, story: Story) -> StoryView:
    query = (
        select(ArticleRow, StoryMember.seen_at, StoryMember.why)
        .join(StoryMember, StoryMember.article_id == ArticleRow.id)
        .where(StoryMember.story_id == story.id)
        .order_by(StoryMember.seen_at, ArticleRow.id)
    )
    articles = [
        StoryArticle(
            row.id,
            row.outlet_id,
            row.title,
            row.canonical_url,
            row.language,
            seen,
            row.duplicate_of,
            why,
        )
        for row, seen, why in session.execute(query)
    ]
    return StoryView(story.id, story.headline, story.first_outlet_id, story.first_seen_at, articles)


def why_joined(article: StoryArticle) -> str:
    """Why the article is in its story, in words: it started it, copies an article of it, or
    shares names and words with it (and how similar it is)."""
    why = article.why or {}
    how = why.get("how")
    if how == "first":
        return "started the story"
    if how == "copy":
        return f"copy of article {article.duplicate_of}"
    if how == "similar":
        shared = ", ".join([*why.get("names", []), *why.get("terms", [])])
        return f"similarity {why['score']:.2f}; shares {shared}"
    return "grouped before reasons were kept (mediamon stories regroup)"
