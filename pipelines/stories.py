"""Stories: articles about one development, grouped across outlets and languages as they arrive.

Each article is reduced to the keys of the names and numbers it mentions (see
``pipelines.entity_keys``; they are the same in English, Russian and Ukrainian). A new article
joins the story that explains most of its keys, weighted by rarity (a village or a casualty count
says more than "Ukraine"), provided they share at least ``MIN_SHARED_KEYS`` keys and the story
is close in time: the further the article is from the story's time span, the more it must
share, and beyond ``WINDOW`` it cannot join at all. Otherwise it starts a story of its own.
A copy (``duplicate_of``) always joins its original's story.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from mediamon.context import context_from_settings
from mediamon.db import ArticleRow, Story, StoryKey, StoryMember
from pipelines.entity_keys import entity_keys
from pipelines.story_store import (
    add_member,
    count_keys,
    key_frequencies,
    merge_stories,
    start_story,
)
from scrapers.items import Article

WINDOW = timedelta(hours=72)
MIN_SCORE = 0.3
# How much more of its weight an article must share per day away from the story's span: two
# reports of shelling in the same region on different days share the region and the governor.
SCORE_PER_DAY_APART = 0.3
MIN_SHARED_KEYS = 3
COPY_SCORE = 1.0


@dataclass(frozen=True)
class Assignment:
    story_id: int
    started: bool
    score: float


def article_time(row: ArticleRow) -> datetime:
    return row.published_at or row.fetched_at


def assign_story(session: Session, row: ArticleRow) -> Assignment:
    """Put a stored article into a story (an existing one, or a new one); idempotent.

    An article that fits several stories joins the best and merges the others into it: arrival
    order (which crawls do not control) then matters less.
    """
    member = session.get(StoryMember, row.id)
    if member is not None:
        return Assignment(member.story_id, False, member.score)
    keys = entity_keys(row.text)
    original = _story_of_original(session, row)
    fitting = [original] if original else _fitting_stories(session, row, keys)
    count_keys(session, keys)
    if not fitting:
        return Assignment(start_story(session, row, keys), True, 0.0)
    story_id, score = fitting[0]
    add_member(session, story_id, row, keys, score)
    for other_id, _ in fitting[1:]:
        merge_stories(session, story_id, other_id)
    return Assignment(story_id, False, score)


def _story_of_original(session: Session, row: ArticleRow) -> tuple[int, float] | None:
    if row.duplicate_of is None:
        return None
    original = session.get(StoryMember, row.duplicate_of)
    return (original.story_id, COPY_SCORE) if original else None


def _fitting_stories(session: Session, row: ArticleRow, keys: set[str]) -> list[tuple[int, float]]:
    """The stories the article may join, with its score for each, best first."""
    if len(keys) < MIN_SHARED_KEYS:
        return []
    moment = article_time(row)
    weights = _weights(session, keys)
    fitting = []
    for story, shared in _candidates(session, keys, moment):
        score = sum(weights[key] for key in shared) / sum(weights.values())
        if score >= required_score(_days_apart(story, moment)):
            fitting.append((story.id, score))
    return sorted(fitting, key=lambda pair: (-pair[1], pair[0]))


def required_score(days_apart: float) -> float:
    return MIN_SCORE + SCORE_PER_DAY_APART * days_apart


def _days_apart(story: Story, moment: datetime) -> float:
    if story.first_seen_at <= moment <= story.last_seen_at:
        return 0.0
    gap = min(abs(moment - story.first_seen_at), abs(moment - story.last_seen_at))
    return gap / timedelta(days=1)


def _weights(session: Session, keys: Collection[str]) -> dict[str, float]:
    """Inverse document frequency of each key among the articles grouped so far."""
    total = session.scalar(select(func.count()).select_from(StoryMember)) or 0
    frequencies: Mapping[str, int] = key_frequencies(session, keys)
    return {key: math.log((total + 2) / (frequencies.get(key, 0) + 1)) for key in keys}


def _candidates(
    session: Session, keys: Collection[str], moment: datetime
) -> list[tuple[Story, set[str]]]:
    query = (
        select(Story, StoryKey.key)
        .join(StoryKey, StoryKey.story_id == Story.id)
        .where(
            StoryKey.key.in_(keys),
            Story.last_seen_at >= moment - WINDOW,
            Story.first_seen_at <= moment + WINDOW,
        )
    )
    shared: dict[int, tuple[Story, set[str]]] = {}
    for story, key in session.execute(query):
        shared.setdefault(story.id, (story, set()))[1].add(key)
    return [pair for pair in shared.values() if len(pair[1]) >= MIN_SHARED_KEYS]


class StoriesPipeline:
    """Groups each stored article into a story; counts ``mediamon/stories/started`` and
    ``mediamon/stories/joined``. Runs after the store stage, which gives articles their ids."""

    def __init__(self, engine: Engine, stats: StatsCollector | None = None) -> None:
        self.engine = engine
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StoriesPipeline:
        return cls(context_from_settings(crawler.settings).engine, crawler.stats)

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if not isinstance(item, Article) or item.id is None:
            return item
        with Session(self.engine) as session, session.begin():
            row = session.get(ArticleRow, item.id)
            if row is None:
                return item
            assignment = assign_story(session, row)
        if self.stats is not None:
            outcome = "started" if assignment.started else "joined"
            self.stats.inc_value(f"mediamon/stories/{outcome}")
        return item
