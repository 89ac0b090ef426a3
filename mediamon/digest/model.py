"""What a digest is made of: stories per topic, outlet counts, a timeline and health notes.

Plain values only, so every renderer (HTML, Markdown, text, JSON, Atom) reads the same model.
All times are aware datetimes in the digest's time zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo


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
    start: datetime
    end: datetime
    zone: ZoneInfo
    generated_at: datetime
    topic_filter: str | None
    sections: tuple[TopicSection, ...]
    other: TopicSection | None
    outlet_counts: tuple[OutletCount, ...]
    timeline: tuple[TimelineBucket, ...]
    health: tuple[HealthNote, ...]
    previous_digest_at: datetime | None
    article_count: int

    @property
    def period(self) -> str:
        first = self.start.astimezone(self.zone)
        last = (self.end - timedelta(microseconds=1)).astimezone(self.zone)
        if first.date() == last.date():
            return first.date().isoformat()
        return f"{first:%Y-%m-%d %H:%M} to {last:%Y-%m-%d %H:%M}"

    @property
    def heading(self) -> str:
        """'mediamon digest', or 'mediamon digest on <topic>' when limited to one topic."""
        names = ", ".join(section.name for section in self.sections)
        return f"mediamon digest on {names}" if self.topic_filter else "mediamon digest"

    @property
    def title(self) -> str:
        return f"{self.heading}: {self.period}"

    @property
    def story_count(self) -> int:
        return sum(section.story_count for section in self.sections)

    @property
    def new_count(self) -> int:
        return sum(section.new_count for section in self.sections)

    @property
    def is_empty(self) -> bool:
        return self.article_count == 0
