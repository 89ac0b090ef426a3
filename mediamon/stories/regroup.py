"""Rebuilding stories from stored articles, in order of publication, after the grouping or its
settings changed: the stories active since a day are taken apart (their articles' features
uncounted) and their articles, with any not grouped yet, grouped again as a crawl would have."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy import Connection, Engine, delete, func, or_, select

from mediamon.stories.features import article_features
from mediamon.stories.grouping import assign_story, grouping
from mediamon.stories.headlines import Headlines
from mediamon.stories.records import ARTICLES, FREQUENCIES, MEMBERS, STORIES, STORY_KEYS
from mediamon.stories.storage import KeyFrequencies

BATCH_SIZE = 64
MOMENT = func.coalesce(ARTICLES.c.published_at, ARTICLES.c.fetched_at)


def regroup(
    engine: Engine, since: datetime | None, progress: Callable[[int], None] = lambda _: None
) -> int:
    """Regroup the articles of the stories active since ``since`` (every story if None) and
    the articles not in a story, earliest published first; calls ``progress`` with each batch's
    size. How many articles were grouped."""
    with grouping(engine) as transaction:
        article_ids = _taken_apart(transaction.connection, transaction.frequencies, since)
    headlines = Headlines()
    for start in range(0, len(article_ids), BATCH_SIZE):
        batch = article_ids[start : start + BATCH_SIZE]
        with grouping(engine, headlines) as transaction:
            for article_id in batch:
                assign_story(transaction, article_id)
        progress(len(batch))
    return len(article_ids)


def to_regroup(engine: Engine, since: datetime | None) -> int:
    """How many articles ``regroup`` would group (for a progress bar's length)."""
    with engine.connect() as connection:
        return len(_article_ids(connection, since))


def _taken_apart(
    connection: Connection, frequencies: KeyFrequencies, since: datetime | None
) -> Sequence[int]:
    article_ids = _article_ids(connection, since)
    stories = select(STORIES.c.id)
    if since is not None:
        stories = stories.where(STORIES.c.last_seen_at >= since)
    story_ids = connection.scalars(stories).all()
    if since is None:
        connection.execute(delete(FREQUENCIES))
    else:
        members = select(ARTICLES.c.text).join(MEMBERS, MEMBERS.c.article_id == ARTICLES.c.id)
        for text in connection.scalars(members.where(MEMBERS.c.story_id.in_(story_ids))):
            frequencies.forget(list(article_features(text)))
    for table, column in ((STORY_KEYS, "story_id"), (MEMBERS, "story_id"), (STORIES, "id")):
        connection.execute(delete(table).where(table.c[column].in_(story_ids)))
    return article_ids


def _article_ids(connection: Connection, since: datetime | None) -> Sequence[int]:
    """The articles of the stories active since ``since`` and those in no story, in order of
    publication."""
    query = select(ARTICLES.c.id).outerjoin(MEMBERS, MEMBERS.c.article_id == ARTICLES.c.id)
    if since is not None:
        active = select(STORIES.c.id).where(STORIES.c.last_seen_at >= since)
        query = query.where(or_(MEMBERS.c.story_id.in_(active), MEMBERS.c.story_id.is_(None)))
    return connection.scalars(query.order_by(MOMENT, ARTICLES.c.id)).all()
