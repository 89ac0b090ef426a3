"""What detection reads of the stored state: the recently active stories with their articles and
topics, the article versions recently superseded, and a topic's articles per hour."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from mediamon.core.models import ArticleRow, ArticleTopic, ArticleVersion, Story, StoryMember

# Stories with an article fetched within this window are examined; older ones are settled.
LOOKBACK = timedelta(hours=48)


@dataclass(frozen=True)
class MemberFact:
    article_id: int
    outlet_id: str
    language: str | None
    title: str
    url: str
    topics: frozenset[str]


@dataclass
class StoryFacts:
    id: int
    headline: str
    first_article_id: int
    members: list[MemberFact] = field(default_factory=list)

    @property
    def first(self) -> MemberFact:
        return next(
            (m for m in self.members if m.article_id == self.first_article_id), self.members[0]
        )

    @property
    def outlet_ids(self) -> list[str]:
        return list(dict.fromkeys(m.outlet_id for m in self.members))

    @property
    def languages(self) -> list[str]:
        return list(dict.fromkeys(m.language for m in self.members if m.language))


@dataclass(frozen=True)
class EditFact:
    """A version of an article superseded by the next (or the current text)."""

    article_id: int
    story_id: int
    number: int
    url: str
    old_title: str
    new_title: str
    old_text: str
    new_text: str


def active_stories(engine: Engine, since: datetime) -> list[StoryFacts]:
    """Stories with an article fetched since ``since``, each with all its articles in order."""
    recent = (
        select(StoryMember.story_id)
        .join(ArticleRow, ArticleRow.id == StoryMember.article_id)
        .where(ArticleRow.fetched_at >= since)
        .distinct()
    )
    with Session(engine) as session:
        stories = {
            row.id: StoryFacts(row.id, row.headline, row.first_article_id)
            for row in session.execute(
                select(Story.id, Story.headline, Story.first_article_id).where(Story.id.in_(recent))
            )
        }
        members = session.execute(
            select(
                StoryMember.story_id,
                ArticleRow.id,
                ArticleRow.outlet_id,
                ArticleRow.language,
                ArticleRow.title,
                ArticleRow.url,
            )
            .join(ArticleRow, ArticleRow.id == StoryMember.article_id)
            .where(StoryMember.story_id.in_(list(stories)))
            .order_by(StoryMember.seen_at, ArticleRow.id)
        ).all()
        topics = _topics(session, [row[1] for row in members])
    for story_id, article_id, outlet_id, language, title, url in members:
        fact = MemberFact(
            article_id, outlet_id, language, title or "", url, topics.get(article_id, frozenset())
        )
        stories[story_id].members.append(fact)
    return [story for story in stories.values() if story.members]


def _topics(session: Session, article_ids: Sequence[int]) -> dict[int, frozenset[str]]:
    found: dict[int, set[str]] = defaultdict(set)
    for start in range(0, len(article_ids), 500):
        chunk = article_ids[start : start + 500]
        query = select(ArticleTopic.article_id, ArticleTopic.topic_id).where(
            ArticleTopic.article_id.in_(chunk)
        )
        for article_id, topic_id in session.execute(query):
            found[article_id].add(topic_id)
    return {article_id: frozenset(ids) for article_id, ids in found.items()}


def recent_edits(engine: Engine, stories: Sequence[StoryFacts], since: datetime) -> list[EditFact]:
    """The versions of the stories' articles superseded since ``since``, each with its successor."""
    story_of = {m.article_id: s.id for s in stories for m in s.members}
    if not story_of:
        return []
    with Session(engine) as session:
        edited = session.scalars(
            select(ArticleVersion.article_id)
            .where(ArticleVersion.superseded_at >= since)
            .where(ArticleVersion.article_id.in_(list(story_of)))
            .distinct()
        ).all()
        edits: list[EditFact] = []
        for article_id in edited:
            edits += _edits_of(session, article_id, story_of[article_id], since)
    return edits


def _edits_of(session: Session, article_id: int, story_id: int, since: datetime) -> list[EditFact]:
    versions = session.scalars(
        select(ArticleVersion)
        .where(ArticleVersion.article_id == article_id)
        .order_by(ArticleVersion.number)
    ).all()
    row = session.get(ArticleRow, article_id)
    assert row is not None
    texts = [(v.title or "", v.text) for v in versions] + [(row.title or "", row.text)]
    return [
        EditFact(article_id, story_id, version.number, row.url, *_pair(texts, index))
        for index, version in enumerate(versions)
        if version.superseded_at >= since
    ]


def _pair(texts: list[tuple[str, str]], index: int) -> tuple[str, str, str, str]:
    (old_title, old_text), (new_title, new_text) = texts[index], texts[index + 1]
    return old_title, new_title, old_text, new_text


def hourly_counts(engine: Engine, topic_id: str, end: datetime, hours: int) -> list[int]:
    """Articles of the topic that appeared in each of the ``hours`` hours before ``end``, oldest
    first (appeared: published, or fetched when the date is unknown)."""
    start = end - timedelta(hours=hours)
    moment = func.coalesce(ArticleRow.published_at, ArticleRow.fetched_at)
    with Session(engine) as session:
        moments = session.scalars(
            select(moment)
            .join(ArticleTopic, ArticleTopic.article_id == ArticleRow.id)
            .where(ArticleTopic.topic_id == topic_id)
            .where(ArticleRow.duplicate_of.is_(None))
            .where(moment >= start, moment < end)
        ).all()
    counts = [0] * hours
    for value in moments:
        at = value if value.tzinfo else value.replace(tzinfo=end.tzinfo)
        counts[min(hours - 1, int((at - start).total_seconds() // 3600))] += 1
    return counts
