"""Stories: articles about one development, grouped across outlets and languages as they arrive.

Each article is a unit vector of its names, numbers and content words (see
``mediamon.stories.features``; names and numbers are the same in English, Russian and
Ukrainian, and so are many content words) weighted by rarity. A story is the centroid of its
members' vectors: it does not grow with the story's size, so a large story does not match any
article of its period the way the union of its members' keys did. A new article joins the open
story whose centroid is most similar to it (cosine, at least ``JOIN_SCORE``); a story is open
while it is active, that is while the article is within ``WINDOW`` of its articles' times (a
story idle longer than that takes no more). Otherwise the article starts a story of its own.

An article that fits two stories joins the best, and merges the other into it only if the two
stories' centroids are as similar to each other as ``CROSS_LINGUAL_MERGE_SCORE`` when they
share no language, up to ``MERGE_SCORE`` when they share all (more, by ``SCORE_PER_DAY``, for
each day between the two stories' spans): an article on the border of two developments
cannot chain them. Merges are logged with their reason. A copy
(``duplicate_of``) joins its original's story if that story is open at the copy's time; a
reprint after that is grouped by its content like any article.

Articles are grouped in transactions that no other process groups in at the same time (on
SQLite one holds the write lock from its start, on PostgreSQL an advisory lock): crawls writing
one database concurrently each decide on what the others have committed, and cannot start two
stories for one development at the same moment or join a story that another is merging away.
"""

from __future__ import annotations

import logging
import math
import zlib
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, select

from mediamon.core.dialects import dialect_of
from mediamon.core.plausible_dates import plausible_or_none
from mediamon.stories.candidates import similar_stories
from mediamon.stories.features import article_features, is_name, unit_vector
from mediamon.stories.headlines import Headlines
from mediamon.stories.records import (
    ARTICLES,
    MEMBERS,
    Arrival,
    StoryState,
)
from mediamon.stories.storage import (
    KeyFrequencies,
    add_member,
    centroid,
    languages_of,
    merge_stories,
    start_story,
    story_state,
)

WINDOW = timedelta(hours=48)
JOIN_SCORE = 0.35
# How much more similar an article must be per day away from the story's latest article: two
# reports of shelling in one town on different days share the town and the governor.
SCORE_PER_DAY = 0.2
# The similarity two stories need to merge: stories in different languages share only names,
# numbers and cognates, not a language's everyday words, so the same cosine says more about them;
# the more of their languages two stories have in common, the nearer to MERGE_SCORE.
CROSS_LINGUAL_MERGE_SCORE = 0.35
MERGE_SCORE = 0.55
COPY_SCORE = 1.0
# How many shared features a reader is shown, to explain why an article joined its story.
SHOWN_SHARED = 6
# The PostgreSQL advisory lock held while grouping: one fixed number for every mediamon process.
GROUPING_LOCK_KEY = zlib.crc32(b"mediamon-stories")
logger = logging.getLogger(__name__)

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
    return _place(grouping, _arrival(grouping, article), found.original_story_id)


def assign(grouping: Grouping, article: NewArticle) -> Assignment:
    """Put a stored article into a story (an existing one, or a new one); idempotent."""
    connection = grouping.connection
    member = connection.execute(MEMBERSHIP, {"article_id": article.id}).first()
    if member is not None:
        return Assignment(member.story_id, False, member.score)
    original_story_id = None
    if article.duplicate_of is not None:  # the first column: the original's story
        original_story_id = connection.scalar(MEMBERSHIP, {"article_id": article.duplicate_of})
    return _place(grouping, _arrival(grouping, article), original_story_id)


def _place(grouping: Grouping, article: Arrival, original_story_id: int | None) -> Assignment:
    connection = grouping.connection
    fitting = _fitting_stories(grouping, article, original_story_id)
    if not fitting:
        why = {"how": "first"}
        story_id = start_story(connection, replace(article, why=why))
        return Assignment(story_id, True, 0.0)
    best, *others = fitting
    joining = replace(article, why=best.why)
    story = add_member(connection, best.story, joining, best.score, grouping.headlines)
    for other in others:
        story = _merged_if_close(grouping, story, other.story, article)
    return Assignment(story.id, False, best.score)


@dataclass(frozen=True)
class Fit:
    """A story an article may join, its cosine similarity, and why."""

    story: StoryState
    score: float
    why: dict[str, Any]


def _arrival(grouping: Grouping, article: NewArticle) -> Arrival:
    features = article_features(article.text)
    rarity = _rarity(grouping.frequencies, features)
    grouping.frequencies.count(list(features))
    vector = unit_vector(features, rarity.__getitem__)
    words = {key: features[key] for key in vector}
    return Arrival(
        article.id,
        article.outlet_id,
        article.title,
        article.moment,
        frozenset(vector),
        vector,
        words,
    )


def _fitting_stories(
    grouping: Grouping, article: Arrival, original_story_id: int | None
) -> list[Fit]:
    """The stories the article may join, best first: a copy joins its original's story if it
    is open, any other article the open stories similar enough to it."""
    connection = grouping.connection
    original = story_state(connection, original_story_id) if original_story_id else None
    if original is not None and _is_open(original, article.moment):
        return [Fit(original, COPY_SCORE, {"how": "copy", "score": COPY_SCORE})]
    if not article.vector:
        return []
    fitting = []
    since, until = article.moment - WINDOW, article.moment + WINDOW
    for story_id, score, shared in similar_stories(connection, article.vector, since, until):
        story = story_state(connection, story_id) if score >= JOIN_SCORE else None
        if story is not None and score >= required_score(story, article.moment):
            fitting.append(Fit(story, score, _why(score, shared, article)))
    return sorted(fitting, key=lambda fit: (-fit.score, fit.story.id))


def _why(score: float, shared: list[str], article: Arrival) -> dict[str, Any]:
    """What made an article join: its score and its heaviest features the story shares."""
    top = sorted(shared, key=lambda key: (-article.vector[key], key))[:SHOWN_SHARED]
    return {
        "how": "similar",
        "score": round(score, 4),
        "names": [article.words[key] for key in top if is_name(key)],
        "terms": [article.words[key] for key in top if not is_name(key)],
    }


def required_score(story: StoryState, moment: datetime) -> float:
    """The similarity an article at ``moment`` needs to join ``story``: more the longer the
    story has been idle by then."""
    idle = max(moment - story.last_seen_at, story.first_seen_at - moment, timedelta(0))
    return JOIN_SCORE + SCORE_PER_DAY * (idle / timedelta(days=1))


def _is_open(story: StoryState, moment: datetime) -> bool:
    return story.last_seen_at >= moment - WINDOW and story.first_seen_at <= moment + WINDOW


def _merged_if_close(
    grouping: Grouping, story: StoryState, other: StoryState, article: Arrival
) -> StoryState:
    """``story`` with ``other`` merged into it if their centroids are similar enough."""
    connection = grouping.connection
    mine, theirs = centroid(connection, story.id), centroid(connection, other.id)
    dot = sum(weight * theirs.get(key, 0.0) for key, weight in mine.items())
    similarity = dot / math.sqrt(story.norm_squared * other.norm_squared)
    if similarity < _merge_score(connection, story, other):
        return story
    logger.info(
        "story %d merged into story %d: article %d fits both, and they are %.2f similar",
        other.id,
        story.id,
        article.id,
        similarity,
    )
    return merge_stories(connection, story, other, grouping.headlines, dot)


def _merge_score(connection: Connection, story: StoryState, other: StoryState) -> float:
    """The similarity two stories need to merge: more the more of their languages they have in
    common, and the longer the gap between their spans (as an article needs more to join a
    story the longer it has been idle)."""
    mine, theirs = languages_of(connection, story.id), languages_of(connection, other.id)
    common = len(mine & theirs) / len(mine | theirs) if mine | theirs else 1.0
    gap = max(
        other.first_seen_at - story.last_seen_at,
        story.first_seen_at - other.last_seen_at,
        timedelta(0),
    )
    least = CROSS_LINGUAL_MERGE_SCORE + (MERGE_SCORE - CROSS_LINGUAL_MERGE_SCORE) * common
    return least + SCORE_PER_DAY * (gap / timedelta(days=1))


def _rarity(frequencies: KeyFrequencies, keys: Collection[str]) -> dict[str, float]:
    """Inverse document frequency of each key among the articles grouped so far."""
    total, counts = frequencies.of(keys)
    # smoothed, so that a key both of the first two articles have still counts
    return {key: 1.0 + math.log((total + 1) / (counts[key] + 1)) for key in keys}
