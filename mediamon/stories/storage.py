"""Reading and writing stories: members, key counts, headlines; see ``pipelines.stories``.

Grouping writes with Core statements on the connection of the transaction that
``pipelines.stories`` holds while it groups, which no other process groups during.
"""

from __future__ import annotations

import bisect
from collections import Counter, OrderedDict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cache
from typing import Any, cast

from sqlalchemy import (
    Connection,
    Engine,
    Insert,
    Table,
    bindparam,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from mediamon.core.db import ArticleRow, EntityKeyFrequency, Story, StoryKey, StoryMember

ARTICLES = cast(Table, ArticleRow.__table__)
STORIES = cast(Table, Story.__table__)
MEMBERS = cast(Table, StoryMember.__table__)
STORY_KEYS = cast(Table, StoryKey.__table__)
FREQUENCIES = cast(Table, EntityKeyFrequency.__table__)
# Every article has the empty key, so its frequency is the number of grouped articles: the
# rarity weights' denominator, read with the other frequencies instead of counted each time.
ALL_ARTICLES = ""
# Members kept in memory across stories to pick headlines (each holds its set of keys).
CACHED_MEMBERS = 20_000


@dataclass(frozen=True)
class StoryArticle:
    id: int
    outlet_id: str
    title: str | None
    url: str
    language: str | None
    seen_at: datetime
    duplicate_of: int | None


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


@dataclass(frozen=True)
class Arrival:
    """An article as grouping sees it: when it appeared, its title and its entity keys."""

    id: int
    outlet_id: str
    title: str
    moment: datetime
    keys: frozenset[str]


@dataclass(frozen=True)
class StoryState:
    id: int
    headline: str
    first_outlet_id: str
    first_article_id: int
    first_seen_at: datetime
    last_seen_at: datetime
    article_count: int


STORY_COLUMNS = [STORIES.c[name] for name in StoryState.__dataclass_fields__]
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
    }
    story_id: int = connection.execute(INSERT_STORY, story).scalar_one()
    _insert_member(connection, story_id, article, 0.0)
    if article.keys:
        rows = [{"story_id": story_id, "key": key, "articles": 1} for key in article.keys]
        connection.execute(INSERT_STORY_KEY, rows)
    return story_id


def add_member(
    connection: Connection,
    story: StoryState,
    article: Arrival,
    score: float,
    headlines: Headlines,
) -> StoryState:
    """Put ``article`` into ``story``; the story as it is now."""
    _insert_member(connection, story.id, article, score)
    added = [{"story_id": story.id, "key": key, "articles": 1} for key in article.keys]
    _add_counts(connection, STORY_KEYS, added)
    grown = _spanning(story, article.moment, article.outlet_id, article.id)
    grown = replace(
        grown,
        article_count=story.article_count + 1,
        headline=headlines.after_adding(connection, story, article),
    )
    _save(connection, story, grown)
    return grown


def merge_stories(
    connection: Connection, target: StoryState, merged: StoryState, headlines: Headlines
) -> StoryState:
    """Move every article of story ``merged`` into ``target`` and delete the former."""
    counts = select(STORY_KEYS.c.key, STORY_KEYS.c.articles).where(
        STORY_KEYS.c.story_id == merged.id
    )
    moved = [
        {"story_id": target.id, "key": key, "articles": count}
        for key, count in connection.execute(counts)
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
    changed = {
        name: getattr(new, name)
        for name in StoryState.__dataclass_fields__
        if getattr(new, name) != getattr(old, name)
    }
    if changed:
        connection.execute(update(STORIES).where(STORIES.c.id == old.id).values(**changed))


def _insert_member(connection: Connection, story_id: int, article: Arrival, score: float) -> None:
    member = {
        "article_id": article.id,
        "story_id": story_id,
        "seen_at": article.moment,
        "score": score,
        "keys": sorted(article.keys),
    }
    connection.execute(INSERT_MEMBER, member)


class KeyFrequencies:
    """In how many grouped articles each key occurs (the rarity weights of ``pipelines.stories``),
    as one grouping transaction sees them. What it counts is written at the end of the
    transaction (``write``), in one statement rather than one per article."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.counted: Counter[str] = Counter()
        if connection.scalar(TOTAL) is None:  # grouped before the total was kept
            total = COUNT_MEMBERS.scalar_subquery()
            connection.execute(insert(FREQUENCIES).values(key=ALL_ARTICLES, articles=total))

    def count(self, keys: Iterable[str]) -> None:
        """Count one more grouped article, with ``keys``."""
        self.counted[ALL_ARTICLES] += 1
        self.counted.update(keys)

    def of(self, keys: Collection[str]) -> tuple[int, dict[str, int]]:
        """How many articles are grouped, and how many of them have each of ``keys``."""
        wanted = [ALL_ARTICLES, *keys]
        found = self.connection.execute(FREQUENCIES_OF, {"keys": wanted})
        stored: dict[str, int] = {key: count for key, count in found}
        frequencies = {key: stored.get(key, 0) + self.counted[key] for key in wanted}
        return frequencies.pop(ALL_ARTICLES), frequencies

    def write(self) -> None:
        rows = [{"key": key, "articles": count} for key, count in self.counted.items()]
        _add_counts(self.connection, FREQUENCIES, rows)
        self.counted.clear()


def _add_counts(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert count rows, or add each to the count stored under the same primary key."""
    if rows:
        connection.execute(_upsert(connection.dialect.name, table), rows)


@cache
def _upsert(dialect: str, table: Table) -> Insert:
    """Insert a count, or add it to the count stored under the same primary key."""
    statement = (postgresql_insert if dialect == "postgresql" else sqlite_insert)(table)
    return statement.on_conflict_do_update(
        index_elements=table.primary_key.columns,
        set_={"articles": table.c.articles + statement.excluded.articles},
    )


@dataclass
class _Member:
    order: tuple[datetime, int]
    keys: frozenset[str]
    title: str
    shared: int = 0
    """How often its keys occur in the other members: the representative shares the most."""


@dataclass
class _Members:
    """The members of one story, in the order they were seen, and how many have each key."""

    article_count: int
    members: list[_Member] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)

    def add(self, member: _Member) -> None:
        for other in self.members:
            other.shared += len(other.keys & member.keys)
        self.counts.update(member.keys)
        member.shared = sum(self.counts[key] - 1 for key in member.keys)
        bisect.insort(self.members, member, key=lambda m: m.order)
        self.article_count += 1

    def headline(self) -> str:
        """The title of the member sharing the most keys with the others (the earliest on a tie)."""
        return max(self.members, key=lambda m: m.shared).title


class Headlines:
    """Picks a story's headline as it grows, from the members of recently grown stories kept in
    memory (at most ``capacity`` members in all) instead of reading them all each time.

    Only an article added to a story whose count is the one remembered is added in memory:
    any other change (another process grouping, a merge) reads the story's members again.
    """

    def __init__(self, capacity: int = CACHED_MEMBERS) -> None:
        self.capacity = capacity
        self._stories: OrderedDict[int, _Members] = OrderedDict()
        self._size = 0

    def after_adding(self, connection: Connection, story: StoryState, article: Arrival) -> str:
        """The headline of ``story`` with ``article`` (whose membership is written) added."""
        known = self._take(story.id)
        if known is None or known.article_count != story.article_count:
            return self.reloaded(connection, story.id)
        known.add(_Member((article.moment, article.id), article.keys, article.title))
        self._keep(story.id, known)
        return known.headline()

    def reloaded(self, connection: Connection, story_id: int) -> str:
        """The headline of a story, from its members as stored."""
        self.forget(story_id)
        loaded = _stored_members(connection, story_id)
        self._keep(story_id, loaded)
        return loaded.headline()

    def forget(self, story_id: int) -> None:
        self._take(story_id)

    def clear(self) -> None:
        self._stories.clear()
        self._size = 0

    def _take(self, story_id: int) -> _Members | None:
        members = self._stories.pop(story_id, None)
        if members is not None:
            self._size -= len(members.members)
        return members

    def _keep(self, story_id: int, members: _Members) -> None:
        if len(members.members) > self.capacity:
            return
        self._stories[story_id] = members
        self._size += len(members.members)
        while self._size > self.capacity:
            _, oldest = self._stories.popitem(last=False)
            self._size -= len(oldest.members)


def _stored_members(connection: Connection, story_id: int) -> _Members:
    query = (
        select(MEMBERS.c.seen_at, MEMBERS.c.article_id, MEMBERS.c["keys"], ARTICLES.c.title)
        .join(ARTICLES, ARTICLES.c.id == MEMBERS.c.article_id)
        .where(MEMBERS.c.story_id == story_id)
        .order_by(MEMBERS.c.seen_at, MEMBERS.c.article_id)
    )
    members = [
        _Member((seen, article_id), frozenset(keys), title or "")
        for seen, article_id, keys, title in connection.execute(query)
    ]
    counts = Counter(key for member in members for key in member.keys)
    for member in members:
        member.shared = sum(counts[key] - 1 for key in member.keys)
    return _Members(len(members), members, counts)


def stories_between(engine: Engine, start: datetime, end: datetime) -> list[StoryView]:
    """Stories first seen in [start, end), earliest first, with their articles."""
    with Session(engine) as session:
        query = select(Story).where(Story.first_seen_at >= start, Story.first_seen_at < end)
        stories = session.scalars(query.order_by(Story.first_seen_at, Story.id)).all()
        return [_view(session, story) for story in stories]


def story_of(engine: Engine, article_id: int) -> StoryView | None:
    with Session(engine) as session:
        member = session.get(StoryMember, article_id)
        story = session.get(Story, member.story_id) if member else None
        return _view(session, story) if story else None


def _view(session: Session, story: Story) -> StoryView:
    query = (
        select(ArticleRow, StoryMember.seen_at)
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
        )
        for row, seen in session.execute(query)
    ]
    return StoryView(story.id, story.headline, story.first_outlet_id, story.first_seen_at, articles)
