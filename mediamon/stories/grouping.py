"""Stories: articles about one development, grouped across outlets and languages as they arrive.

Each article is reduced to the keys of the names and numbers it mentions (see
``mediamon.stories.entity_keys``; they are the same in English, Russian and Ukrainian). A new
article joins the story that explains most of its keys, weighted by rarity (a village or a casualty
count says more than "Ukraine"), provided they share at least ``MIN_SHARED_KEYS`` keys and the story
is close in time: the further the article is from the story's time span, the more it must
share, and beyond ``WINDOW`` it cannot join at all. Otherwise it starts a story of its own.
A copy (``duplicate_of``) always joins its original's story.

Articles are grouped in transactions that no other process groups in at the same time (on
SQLite one holds the write lock from its start, on PostgreSQL an advisory lock): crawls writing
one database concurrently each decide on what the others have committed, and cannot start two
stories for one development at the same moment or join a story that another is merging away.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, Engine, bindparam, func, select

from mediamon.core.dialects import dialect_of
from mediamon.core.plausible_dates import plausible_or_none
from mediamon.stories.entity_keys import entity_keys
from mediamon.stories.headlines import Headlines
from mediamon.stories.records import (
    ARTICLES,
    MEMBERS,
    STORIES,
    STORY_COLUMNS,
    STORY_KEYS,
    Arrival,
    StoryState,
)
from mediamon.stories.storage import (
    KeyFrequencies,
    add_member,
    merge_stories,
    start_story,
    story_state,
)

WINDOW = timedelta(hours=72)
MIN_SCORE = 0.3
# How much more of its weight an article must share per day away from the story's span: two
# reports of shelling in the same region on different days share the region and the governor.
SCORE_PER_DAY_APART = 0.3
MIN_SHARED_KEYS = 3
COPY_SCORE = 1.0
# The PostgreSQL advisory lock held while grouping: one fixed number for every mediamon process.
GROUPING_LOCK_KEY = zlib.crc32(b"mediamon-stories")

_MEMBER, _ORIGINAL = MEMBERS.alias("member"), MEMBERS.alias("original")
# A stored article with what grouping needs: its story if it has one, and its original's.
ARTICLE_QUERY = (
    select(
        ARTICLES.c.outlet_id,
        ARTICLES.c.title,
        ARTICLES.c.published_at,
        ARTICLES.c.fetched_at,
        ARTICLES.c.text,
        _MEMBER.c.story_id,
        _MEMBER.c.score,
        _ORIGINAL.c.story_id.label("original_story_id"),
    )
    .select_from(
        ARTICLES.outerjoin(_MEMBER, _MEMBER.c.article_id == ARTICLES.c.id).outerjoin(
            _ORIGINAL, _ORIGINAL.c.article_id == ARTICLES.c.duplicate_of
        )
    )
    .where(ARTICLES.c.id == bindparam("article_id"))
)

# The story an article is in, if any.
MEMBERSHIP = select(MEMBERS.c.story_id, MEMBERS.c.score).where(
    MEMBERS.c.article_id == bindparam("article_id")
)

# The stories that share at least MIN_SHARED_KEYS of some keys, counted in the database: most
# stories that share one key with an article share no other.
SHARING = (
    select(STORY_KEYS.c.story_id)
    .where(STORY_KEYS.c.key.in_(bindparam("keys", expanding=True)))
    .group_by(STORY_KEYS.c.story_id)
    .having(func.count() >= MIN_SHARED_KEYS)
)
# Those of them in a time window, once per shared key.
CANDIDATES = (
    select(*STORY_COLUMNS, STORY_KEYS.c.key)
    .join(STORY_KEYS, STORY_KEYS.c.story_id == STORIES.c.id)
    .where(
        STORIES.c.id.in_(bindparam("story_ids", expanding=True)),
        STORY_KEYS.c.key.in_(bindparam("keys", expanding=True)),
        STORIES.c.last_seen_at >= bindparam("since"),
        STORIES.c.first_seen_at <= bindparam("until"),
    )
)


@dataclass(frozen=True)
class NewArticle:
    """What grouping needs of a stored article, as the store stage hands it on (no reading it
    back): its id, outlet, title, the time it appeared (published, else fetched), its text and
    the article it copies."""

    id: int
    outlet_id: str
    title: str
    moment: datetime
    text: str
    duplicate_of: int | None = None


@dataclass(frozen=True)
class Assignment:
    story_id: int
    started: bool
    score: float


@dataclass(frozen=True)
class Grouping:
    """A transaction in which no other process groups articles (see the module docstring)."""

    connection: Connection
    frequencies: KeyFrequencies
    headlines: Headlines


@contextmanager
def grouping(engine: Engine, headlines: Headlines | None = None) -> Iterator[Grouping]:
    """A ``Grouping`` transaction, committed at the end of the block; ``headlines`` are those
    remembered from earlier ones (forgotten if it fails)."""
    headlines = Headlines() if headlines is None else headlines
    try:
        with (
            engine.connect() as connection,
            dialect_of(connection).write_transaction(connection, GROUPING_LOCK_KEY),
        ):
            frequencies = KeyFrequencies(connection)
            yield Grouping(connection, frequencies, headlines)
            frequencies.write()
    except BaseException:
        headlines.clear()  # they may hold what the transaction did before it rolled back
        raise


def assign_story(grouping: Grouping, article_id: int) -> Assignment | None:
    """Put a stored article, read from the database by id, into a story (see ``assign``); None
    when there is no such article. For regrouping what is stored; a crawl hands ``assign``
    what it has."""
    found = grouping.connection.execute(ARTICLE_QUERY, {"article_id": article_id}).first()
    if found is None:
        return None
    if found.story_id is not None:
        return Assignment(found.story_id, False, found.score)
    article = NewArticle(
        article_id,
        found.outlet_id,
        found.title or "",
        # a row stored before dates were checked may hold a placeholder year
        plausible_or_none(found.published_at, found.fetched_at) or found.fetched_at,
        found.text,
    )
    return _place(grouping, _arrival(article), found.original_story_id)


def assign(grouping: Grouping, article: NewArticle) -> Assignment:
    """Put a stored article into a story (an existing one, or a new one); idempotent.

    An article that fits several stories joins the best and merges the others into it: arrival
    order (which crawls do not control) then matters less.
    """
    connection = grouping.connection
    member = connection.execute(MEMBERSHIP, {"article_id": article.id}).first()
    if member is not None:
        return Assignment(member.story_id, False, member.score)
    original_story_id = None
    if article.duplicate_of is not None:  # the first column: the original's story
        original_story_id = connection.scalar(MEMBERSHIP, {"article_id": article.duplicate_of})
    return _place(grouping, _arrival(article), original_story_id)


def _place(grouping: Grouping, article: Arrival, original_story_id: int | None) -> Assignment:
    connection = grouping.connection
    fitting = _fitting_stories(grouping, article, original_story_id)
    grouping.frequencies.count(article.keys)
    if not fitting:
        return Assignment(start_story(connection, article), True, 0.0)
    (story, score), *others = fitting
    story = add_member(connection, story, article, score, grouping.headlines)
    for other, _ in others:
        story = merge_stories(connection, story, other, grouping.headlines)
    return Assignment(story.id, False, score)


def _arrival(article: NewArticle) -> Arrival:
    keys = frozenset(entity_keys(article.text))
    return Arrival(article.id, article.outlet_id, article.title, article.moment, keys)


def _fitting_stories(
    grouping: Grouping, article: Arrival, original_story_id: int | None
) -> list[tuple[StoryState, float]]:
    """The stories the article may join, with its score for each, best first: a copy joins its
    original's story."""
    connection = grouping.connection
    original = story_state(connection, original_story_id) if original_story_id else None
    if original is not None:
        return [(original, COPY_SCORE)]
    if len(article.keys) < MIN_SHARED_KEYS:
        return []
    candidates = _candidates(connection, article.keys, article.moment)
    if not candidates:
        return []
    weights = _weights(grouping.frequencies, article.keys)
    fitting = []
    for story, shared in candidates:
        score = sum(weights[key] for key in shared) / sum(weights.values())
        if score >= required_score(_days_apart(story, article.moment)):
            fitting.append((story, score))
    return sorted(fitting, key=lambda pair: (-pair[1], pair[0].id))


def required_score(days_apart: float) -> float:
    return MIN_SCORE + SCORE_PER_DAY_APART * days_apart


def _days_apart(story: StoryState, moment: datetime) -> float:
    if story.first_seen_at <= moment <= story.last_seen_at:
        return 0.0
    gap = min(abs(moment - story.first_seen_at), abs(moment - story.last_seen_at))
    return gap / timedelta(days=1)


def _weights(frequencies: KeyFrequencies, keys: Collection[str]) -> dict[str, float]:
    """Inverse document frequency of each key among the articles grouped so far."""
    total, counts = frequencies.of(keys)
    return {key: math.log((total + 2) / (counts[key] + 1)) for key in keys}


def _candidates(
    connection: Connection, keys: Collection[str], moment: datetime
) -> list[tuple[StoryState, set[str]]]:
    """The stories in the time window sharing at least ``MIN_SHARED_KEYS`` of ``keys``, each
    with the keys it shares."""
    sharing = connection.scalars(SHARING, {"keys": list(keys)}).all()
    if not sharing:
        return []
    window = {
        "story_ids": sharing,
        "keys": list(keys),
        "since": moment - WINDOW,
        "until": moment + WINDOW,
    }
    shared: dict[int, tuple[StoryState, set[str]]] = {}
    for *story, key in connection.execute(CANDIDATES, window):
        if story[0] not in shared:
            shared[story[0]] = (StoryState(*story), set())
        shared[story[0]][1].add(key)
    return list(shared.values())
