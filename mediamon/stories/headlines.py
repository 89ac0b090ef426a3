"""A story's headline: the title of the member sharing the most entity keys with the others,
kept up to date in memory as stories grow."""

from __future__ import annotations

import bisect
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection, select

from mediamon.stories.records import ARTICLES, MEMBERS, Arrival, StoryState

# Members kept in memory across stories to pick headlines (each holds its set of keys).
CACHED_MEMBERS = 20_000


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
