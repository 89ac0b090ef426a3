"""Reading and writing stories: members, key counts, headlines; see ``pipelines.stories``."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, delete, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from mediamon.db import ArticleRow, EntityKeyFrequency, Story, StoryKey, StoryMember


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


def _moment(row: ArticleRow) -> datetime:
    return row.published_at or row.fetched_at


def start_story(session: Session, row: ArticleRow, keys: Collection[str]) -> int:
    moment = _moment(row)
    story = Story(
        headline=row.title or "",
        first_outlet_id=row.outlet_id,
        first_article_id=row.id,
        first_seen_at=moment,
        last_seen_at=moment,
        article_count=0,
    )
    session.add(story)
    session.flush()
    add_member(session, story.id, row, keys, 0.0)
    return story.id


def add_member(
    session: Session, story_id: int, row: ArticleRow, keys: Collection[str], score: float
) -> None:
    moment = _moment(row)
    session.add(
        StoryMember(
            article_id=row.id, story_id=story_id, seen_at=moment, score=score, keys=sorted(keys)
        )
    )
    _upsert_counts(session, StoryKey, {"story_id": story_id}, keys)
    story = session.get(Story, story_id)
    assert story is not None
    story.article_count += 1
    story.last_seen_at = max(story.last_seen_at, moment)
    if moment < story.first_seen_at:
        story.first_seen_at, story.first_outlet_id, story.first_article_id = (
            moment,
            row.outlet_id,
            row.id,
        )
    session.flush()
    story.headline = representative_headline(session, story_id)


def merge_stories(session: Session, target_id: int, merged_id: int) -> None:
    """Move every article of story ``merged_id`` into ``target_id`` and delete the former."""
    merged, target = session.get(Story, merged_id), session.get(Story, target_id)
    assert merged is not None and target is not None
    key_counts = session.execute(
        select(StoryKey.key, StoryKey.articles).where(StoryKey.story_id == merged_id)
    ).all()
    session.execute(delete(StoryKey).where(StoryKey.story_id == merged_id))
    for key, count in key_counts:
        _upsert_counts(session, StoryKey, {"story_id": target_id}, [key], count)
    session.execute(
        update(StoryMember).where(StoryMember.story_id == merged_id).values(story_id=target_id)
    )
    target.article_count += merged.article_count
    target.last_seen_at = max(target.last_seen_at, merged.last_seen_at)
    if merged.first_seen_at < target.first_seen_at:
        target.first_seen_at = merged.first_seen_at
        target.first_outlet_id, target.first_article_id = (
            merged.first_outlet_id,
            merged.first_article_id,
        )
    session.delete(merged)
    session.flush()
    target.headline = representative_headline(session, target_id)


def count_keys(session: Session, keys: Collection[str]) -> None:
    """Count one more article for each key (the rarity weights of ``pipelines.stories``)."""
    _upsert_counts(session, EntityKeyFrequency, {}, keys)


def _upsert_counts(
    session: Session,
    table: type[StoryKey] | type[EntityKeyFrequency],
    fixed: dict[str, int],
    keys: Collection[str],
    count: int = 1,
) -> None:
    if not keys:
        return
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(table).values([{"key": key, "articles": count, **fixed} for key in keys])
    statement = statement.on_conflict_do_update(
        index_elements=["key", *fixed], set_={"articles": table.articles + count}
    )
    session.execute(statement)


def key_frequencies(session: Session, keys: Collection[str]) -> dict[str, int]:
    query = select(EntityKeyFrequency.key, EntityKeyFrequency.articles).where(
        EntityKeyFrequency.key.in_(keys)
    )
    return {key: count for key, count in session.execute(query)}


def representative_headline(session: Session, story_id: int) -> str:
    """The title of the member sharing the most keys with the others (the earliest on a tie)."""
    query = (
        select(StoryMember.keys, ArticleRow.title)
        .join(ArticleRow, ArticleRow.id == StoryMember.article_id)
        .where(StoryMember.story_id == story_id)
        .order_by(StoryMember.seen_at, StoryMember.article_id)
    )
    members = [(set(keys), title or "") for keys, title in session.execute(query)]
    counts = Counter(key for keys, _ in members for key in keys)
    _, best_title = max(members, key=lambda m: sum(counts[key] - 1 for key in m[0]))
    return best_title


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
