"""The stories' tables, and the records grouping reads from them: an arriving article and a
story's state."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table

from mediamon.core.models import ArticleRow, EntityKeyFrequency, Story, StoryKey, StoryMember

ARTICLES = cast(Table, ArticleRow.__table__)
STORIES = cast(Table, Story.__table__)
MEMBERS = cast(Table, StoryMember.__table__)
STORY_KEYS = cast(Table, StoryKey.__table__)
FREQUENCIES = cast(Table, EntityKeyFrequency.__table__)
# Every article has the empty key, so its frequency is the number of grouped articles: the
# rarity weights' denominator, read with the other frequencies instead of counted each time.
ALL_ARTICLES = ""


@dataclass(frozen=True)
class Arrival:
    """An article as grouping sees it: when it appeared, its title, the keys of its feature
    vector (``mediamon.stories.features``) with their weights, and what made it join a story."""

    id: int
    outlet_id: str
    title: str
    moment: datetime
    keys: frozenset[str]
    vector: dict[str, float] = field(default_factory=dict)
    words: dict[str, str] = field(default_factory=dict)  # each feature's first word in the text
    why: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class StoryState:
    id: int
    headline: str
    first_outlet_id: str
    first_article_id: int
    first_seen_at: datetime
    last_seen_at: datetime
    article_count: int
    norm_squared: float


STORY_COLUMNS = [STORIES.c[name] for name in StoryState.__dataclass_fields__]
