"""The digest's reads from the database, each one an indexed query bounded by the period.

An article belongs to the period by its publication time, or by its fetch time when the page gave
none. The two cases are queried apart so each uses its own index (ix_articles_published,
ix_articles_fetched) instead of scanning every article for ``coalesce(published, fetched)``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, Select, exists, func, select
from sqlalchemy.orm import Session

from mediamon.core.models import ArticleRow, ArticleTopic, StoryMember

LEAD_CHARS = 1200
ID_CHUNK = 500


@dataclass(frozen=True)
class ArticleRecord:
    """What the digest needs of one stored article (the start of its text, not all of it)."""

    id: int
    outlet_id: str
    title: str | None
    url: str
    when: datetime
    fetched_at: datetime
    lead: str
    duplicate_of: int | None
    topics: frozenset[str]
    story_id: int | None

    @property
    def story_key(self) -> str:
        """The story the stories pipeline put it in; else exact copies and their original."""
        if self.story_id is not None:
            return f"story:{self.story_id}"
        return f"article:{self.duplicate_of or self.id}"


def articles_in_period(
    engine: Engine, start: datetime, end: datetime, topics: Collection[str] | None = None
) -> list[ArticleRecord]:
    """Every article published (or, undated, fetched) in [start, end), with its topics;
    ``topics``: only the articles tagged with one of them."""
    with Session(engine) as session:
        dated = session.execute(_period_query(ArticleRow.published_at, start, end, topics))
        fetched = session.execute(_period_query(ArticleRow.fetched_at, start, end, topics))
        # "published_at IS NULL" stays out of SQL: SQLite would answer it from the published
        # index, scanning every undated article ever stored instead of one period's fetches.
        rows = [*dated, *(row for row in fetched if row.published_at is None)]
        ids = [row.id for row in rows]
        tags, stories = _topics_of(session, ids), _stories_of(session, ids)
    records = (_record(row, tags[row.id], stories.get(row.id)) for row in rows)
    return sorted(records, key=lambda record: (record.when, record.id))


def _period_query(
    moment: Any, start: datetime, end: datetime, topics: Collection[str] | None = None
) -> Select[Any]:
    query = select(
        ArticleRow.id,
        ArticleRow.outlet_id,
        ArticleRow.title,
        ArticleRow.url,
        ArticleRow.canonical_url,
        ArticleRow.published_at,
        ArticleRow.fetched_at,
        func.substr(ArticleRow.text, 1, LEAD_CHARS).label("lead"),
        ArticleRow.duplicate_of,
    ).where(moment >= start, moment < end)
    if topics is None:
        return query
    # EXISTS, not IN (subquery): each of the period's articles is looked up by the primary key,
    # instead of a topic's every article ever tagged being read first.
    tagged = ArticleTopic.article_id == ArticleRow.id, ArticleTopic.topic_id.in_(list(topics))
    return query.where(exists().where(*tagged))


def _topics_of(session: Session, article_ids: list[int]) -> dict[int, set[str]]:
    topics: dict[int, set[str]] = defaultdict(set)
    for chunk in _chunks(article_ids, ID_CHUNK):
        query = select(ArticleTopic.article_id, ArticleTopic.topic_id).where(
            ArticleTopic.article_id.in_(chunk)
        )
        for article_id, topic_id in session.execute(query):
            topics[article_id].add(topic_id)
    return topics


def _stories_of(session: Session, article_ids: list[int]) -> dict[int, int]:
    stories: dict[int, int] = {}
    for chunk in _chunks(article_ids, ID_CHUNK):
        query = select(StoryMember.article_id, StoryMember.story_id).where(
            StoryMember.article_id.in_(chunk)
        )
        stories.update((article_id, story_id) for article_id, story_id in session.execute(query))
    return stories


def _chunks(values: list[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _record(row: Any, topics: set[str], story_id: int | None) -> ArticleRecord:
    return ArticleRecord(
        id=row.id,
        outlet_id=row.outlet_id,
        title=row.title,
        url=row.canonical_url or row.url,
        when=row.published_at or row.fetched_at,
        fetched_at=row.fetched_at,
        lead=row.lead or "",
        duplicate_of=row.duplicate_of,
        topics=frozenset(topics),
        story_id=story_id,
    )


def newest_article_time(engine: Engine, since: datetime) -> datetime | None:
    """When the newest article from ``since`` on was published (or, undated, fetched)."""
    with Session(engine) as session:
        published = session.scalar(
            select(func.max(ArticleRow.published_at)).where(ArticleRow.published_at >= since)
        )
        # As in articles_in_period, "published_at IS NULL" would make SQLite read the published
        # index's every undated article; undated or dated at its fetch time, the time is the same.
        undated = (
            func.coalesce(ArticleRow.published_at, ArticleRow.fetched_at) == ArticleRow.fetched_at
        )
        fetched = session.scalar(
            select(func.max(ArticleRow.fetched_at)).where(ArticleRow.fetched_at >= since, undated)
        )
    return max((moment for moment in (published, fetched) if moment is not None), default=None)
