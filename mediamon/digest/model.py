"""What a digest is made of: stories per topic, outlet counts, a timeline and health notes.

Plain values only, so every renderer (HTML, Markdown, text, JSON, Atom) reads the same model.
All times are aware datetimes in the digest's time zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from mediamon.digest.periods import period_label


@dataclass(frozen=True)
class OutletRef:
    """An outlet as the reader sees it: its name and labels (e.g. state-owned, independent)."""

    id: str
    name: str
    labels: tuple[str, ...] = ()


@dataclass(frozen=True)
class Coverage:
    """One article of a story: who published it, when, and where to read it."""

    article_id: int
    outlet: OutletRef
    title: str
    url: str
    when: datetime
    is_copy: bool


@dataclass(frozen=True)
class Story:
    """The same story as covered by one or more outlets, earliest coverage first."""

    key: str
    coverage: tuple[Coverage, ...]
    snippet: str
    is_new: bool

    @property
    def first(self) -> Coverage:
        return self.coverage[0]

    @property
    def headline(self) -> str:
        return self.first.title

    @property
    def latest(self) -> datetime:
        return max(item.when for item in self.coverage)

    @property
    def outlets(self) -> tuple[OutletRef, ...]:
        return tuple(dict.fromkeys(item.outlet for item in self.coverage))


@dataclass(frozen=True)
class OutletShare:
    """How many articles (and stories) of a section one outlet contributed."""

    outlet: OutletRef
    articles: int


@dataclass(frozen=True)
class TopicSection:
    """One topic: its stories in full, then briefly, then only counted (for very long days)."""

    topic_id: str
    name: str
    full: tuple[Story, ...]
    brief: tuple[Story, ...]
    counted: tuple[Story, ...]
    counted_by_outlet: tuple[OutletShare, ...]

    @property
    def stories(self) -> tuple[Story, ...]:
        return self.full + self.brief + self.counted

    @property
    def story_count(self) -> int:
        return len(self.stories)

    @property
    def article_count(self) -> int:
        return sum(len(story.coverage) for story in self.stories)

    @property
    def outlet_count(self) -> int:
        return len({outlet for story in self.stories for outlet in story.outlets})

    @property
    def new_count(self) -> int:
        return sum(story.is_new for story in self.stories)

    @property
    def counted_articles(self) -> int:
        return sum(len(story.coverage) for story in self.counted)


@dataclass(frozen=True)
class OutletCount:
    """An outlet's coverage in the period: all its articles, and those on the digest's topics."""

    outlet: OutletRef
    articles: int
    on_topic: int


@dataclass(frozen=True)
class TimelineBucket:
    start: datetime
    articles: int
    on_topic: int


@dataclass(frozen=True)
class HealthNote:
    """Something about the collection the reader should know, e.g. a feed failing for a day."""

    severity: str  # "warning" or "info"
    outlet: OutletRef | None
    message: str


@dataclass(frozen=True)
class Digest:
    """The digest of [start, end). ``previous_start``/``previous_end``: the period of the
    previous digest its new stories are new against, if there was one. ``collected_count``:
    every article of the period, shown or not (a digest of one topic shows only the topic's)."""

    start: datetime
    end: datetime
    zone: ZoneInfo
    topic_filter: str | None
    sections: tuple[TopicSection, ...]
    other: TopicSection | None
    outlet_counts: tuple[OutletCount, ...]
    timeline: tuple[TimelineBucket, ...]
    health: tuple[HealthNote, ...]
    previous_start: datetime | None
    previous_end: datetime | None
    collected_count: int
    last_collected: datetime | None

    @property
    def period(self) -> str:
        return period_label(self.start, self.end, self.zone)

    @property
    def previous_period(self) -> str | None:
        if self.previous_start is None or self.previous_end is None:
            return None
        return period_label(self.previous_start, self.previous_end, self.zone)

    @property
    def heading(self) -> str:
        """'mediamon digest', or 'mediamon digest on <topic>' when limited to one topic."""
        names = ", ".join(section.name for section in self.sections)
        return f"mediamon digest on {names}" if self.topic_filter else "mediamon digest"

    @property
    def title(self) -> str:
        return f"{self.heading}: {self.period}"

    @property
    def shown(self) -> tuple[Story, ...]:
        """Every story the digest shows, once (a story on two topics is in both sections)."""
        sections = (*self.sections, *((self.other,) if self.other else ()))
        unique = {story.key: story for section in sections for story in section.stories}
        return tuple(unique.values())

    @property
    def story_count(self) -> int:
        return len(self.shown)

    @property
    def article_count(self) -> int:
        return sum(len(story.coverage) for story in self.shown)

    @property
    def new_count(self) -> int:
        return sum(story.is_new for story in self.shown)

    @property
    def is_empty(self) -> bool:
        return self.collected_count == 0
