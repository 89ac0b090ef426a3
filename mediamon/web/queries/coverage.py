"""Read queries over topics, stories and articles, for the pages and the JSON API.

Each returns plain dataclasses. What exists below is reused, not re-derived: stories are read,
built and ranked as the digest does (:func:`mediamon.digest.selection.articles_in_period`,
narrowed to the topics in SQL, and :func:`mediamon.digest.build.ranked_stories`), a story's
articles and why each joined come from :mod:`mediamon.stories.storage`, versions from
:mod:`mediamon.store.versions`.

The collection's clock: a database filled by a backfill, or the outlet world, may end long
before today, so the default window ends at the newest collected article (:func:`as_of`), and
every page says which day that is.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from mediamon.core.config import Config
from mediamon.core.models import ArticleRow, ArticleVersion, Run, utcnow
from mediamon.digest.build import ranked_stories
from mediamon.digest.health import health_notes
from mediamon.digest.model import HealthNote, OutletRef
from mediamon.digest.model import Story as RankedStory
from mediamon.digest.selection import ArticleRecord, articles_in_period
from mediamon.stories.storage import StoryArticle, story_by_id, why_joined
from mediamon.web.queries.freshness import page_cache

DAY = timedelta(days=1)
UNLABELLED = "unlabelled"
NEWEST_DEVELOPMENTS = 10
WEEK_DAYS = 7
MAX_DAYS = 92  # the longest window the Topic page and its API call show
LAST_RUNS = 5
MATRIX_STORIES = 30
LISTED_STORIES = 100


@dataclass(frozen=True)
class Window:
    """The days [start, end) a page looks at, in UTC."""

    start: datetime
    end: datetime

    @property
    def days(self) -> list[date]:
        count = max(1, round((self.end - self.start) / DAY))
        return [(self.start + DAY * n).date() for n in range(count)]


def as_of(engine: Engine) -> datetime:
    """The newest publication time collected (not after now), or now when there is none."""
    now = utcnow()
    with Session(engine) as session:
        newest = session.scalar(
            select(func.max(ArticleRow.published_at)).where(ArticleRow.published_at <= now)
        )
    return newest or now


def days_to(last_day: date, days: int) -> Window:
    """The ``days`` days ending with ``last_day`` (UTC)."""
    end = datetime(last_day.year, last_day.month, last_day.day, tzinfo=UTC) + DAY
    return Window(end - DAY * days, end)


def story_id_of(story: RankedStory) -> int | None:
    """The stories pipeline's id of a ranked story; None for an article it has not placed."""
    kind, _, number = story.key.partition(":")
    return int(number) if kind == "story" else None


# Overview ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TopicSummary:
    id: str
    name: str
    stories_today: int
    stories_week: int
    articles_week: int


@dataclass(frozen=True)
class RunSummary:
    id: int
    job: str
    started_at: datetime
    finished_at: datetime | None
    outcome: str
    errors: tuple[str, ...]


@dataclass(frozen=True)
class Overview:
    today: Window
    week: Window
    topics: tuple[TopicSummary, ...]
    newest: tuple[RankedStory, ...]
    health: tuple[HealthNote, ...]
    runs: tuple[RunSummary, ...]


def overview(engine: Engine, config: Config) -> Overview:
    """Each topic's stories on the newest day and in the week to it, the newest developments,
    the collection's health notes and the last runs."""
    last_day = as_of(engine).date()
    today, week = days_to(last_day, 1), days_to(last_day, WEEK_DAYS)
    summaries, newest = page_cache.get(
        engine,
        config,
        ("overview", today, week),
        lambda: _week_summary(engine, config, today, week),
    )
    refs = outlet_refs(config)
    health = health_notes(
        engine, refs, articles_per_outlet(engine, week), week.start, week.end, config.settings.zone
    )
    return Overview(today, week, summaries, newest, health, last_runs(engine))


def _week_summary(
    engine: Engine, config: Config, today: Window, week: Window
) -> tuple[tuple[TopicSummary, ...], tuple[RankedStory, ...]]:
    """Each topic's stories today and this week, and the newest developments."""
    records = articles_in_period(engine, week.start, week.end, [t.id for t in config.topics])
    summaries = tuple(
        topic_summary(topic.id, topic.name, records, today) for topic in config.topics
    )
    latest: dict[str, datetime] = {}
    for record in records:  # oldest first
        latest[record.story_key] = record.when
    recent = set(sorted(latest, key=latest.__getitem__, reverse=True)[:NEWEST_DEVELOPMENTS])
    developments = ranked_stories([r for r in records if r.story_key in recent], config)
    return summaries, tuple(sorted(developments, key=lambda story: story.latest, reverse=True))


def topic_summary(
    topic_id: str, name: str, records: Sequence[ArticleRecord], today: Window
) -> TopicSummary:
    tagged = [record for record in records if topic_id in record.topics]
    on_the_day = {record.story_key for record in tagged if record.when >= today.start}
    week = {record.story_key for record in tagged}
    return TopicSummary(topic_id, name, len(on_the_day), len(week), len(tagged))


def articles_per_outlet(engine: Engine, window: Window) -> Counter[str]:
    """How many articles each outlet published in ``window``, on any topic or none."""
    query = (
        select(ArticleRow.outlet_id, func.count())
        .where(ArticleRow.published_at >= window.start, ArticleRow.published_at < window.end)
        .group_by(ArticleRow.outlet_id)
    )
    with Session(engine) as session:
        return Counter({outlet_id: count for outlet_id, count in session.execute(query)})


def last_runs(engine: Engine, limit: int = LAST_RUNS) -> tuple[RunSummary, ...]:
    with Session(engine) as session:
        runs = session.scalars(select(Run).order_by(Run.started_at.desc()).limit(limit)).all()
        return tuple(
            RunSummary(r.id, r.job, r.started_at, r.finished_at, r.outcome, tuple(r.errors or ()))
            for r in runs
        )


# Topic ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LabelCount:
    label: str
    articles: int


@dataclass(frozen=True)
class DayCoverage:
    """A day's articles on the topic, by outlet label (an outlet counts under its first)."""

    day: date
    by_label: tuple[LabelCount, ...]

    @property
    def articles(self) -> int:
        return sum(count.articles for count in self.by_label)


@dataclass(frozen=True)
class MatrixCell:
    """One outlet's coverage of one story: its first article and how long after the first
    outlet it came; None: the outlet did not cover the story."""

    article_id: int
    lag: timedelta


@dataclass(frozen=True)
class MatrixRow:
    story: RankedStory
    cells: tuple[MatrixCell | None, ...]


@dataclass(frozen=True)
class TopicCoverage:
    id: str
    name: str
    window: Window
    stories: tuple[RankedStory, ...]
    labels: tuple[str, ...]
    chart: tuple[DayCoverage, ...]
    outlets: tuple[OutletRef, ...]
    matrix: tuple[MatrixRow, ...]

    @property
    def listed(self) -> tuple[RankedStory, ...]:
        """The stories the page lists (the top ones; the rest are counted)."""
        return self.stories[:LISTED_STORIES]


def topic_coverage(engine: Engine, config: Config, topic_id: str, window: Window) -> TopicCoverage:
    """The topic's stories in ``window`` ranked as in the digest, its coverage per day by outlet
    label, and the story x outlet matrix of its top stories (``KeyError``: no such topic);
    computed once per state of the store (:mod:`mediamon.web.queries.freshness`)."""
    topic = config.topic(topic_id)
    return page_cache.get(
        engine,
        config,
        ("topic", topic.id, window),
        lambda: _topic_coverage(engine, config, topic.id, window),
    )


def _topic_coverage(engine: Engine, config: Config, topic_id: str, window: Window) -> TopicCoverage:
    topic = config.topic(topic_id)
    records = articles_in_period(engine, window.start, window.end, [topic.id])
    stories = tuple(ranked_stories(records, config))
    chart, labels = coverage_by_label(stories, window)
    return TopicCoverage(
        topic.id,
        topic.name,
        window,
        stories,
        labels,
        chart,
        (outlets := matrix_outlets(config, records)),
        story_matrix(stories[:MATRIX_STORIES], outlets),
    )


def matrix_outlets(config: Config, records: Sequence[ArticleRecord]) -> tuple[OutletRef, ...]:
    """Every configured outlet (and any other that covered the topic), most coverage first:
    the blanks of an outlet that covered nothing are part of the picture."""
    refs = outlet_refs(config)
    counts = Counter(record.outlet_id for record in records)
    every = [*refs, *(outlet_id for outlet_id in counts if outlet_id not in refs)]
    ordered = sorted(every, key=lambda outlet_id: (-counts[outlet_id], outlet_id))
    return tuple(outlet_ref(refs, outlet_id) for outlet_id in ordered)


def coverage_by_label(
    stories: Sequence[RankedStory], window: Window
) -> tuple[tuple[DayCoverage, ...], tuple[str, ...]]:
    """Articles per day (UTC) per outlet label, and the labels in order of coverage."""
    per_day: dict[date, Counter[str]] = defaultdict(Counter)
    for story in stories:
        for item in story.coverage:
            label = item.outlet.labels[0] if item.outlet.labels else UNLABELLED
            per_day[item.when.astimezone(UTC).date()][label] += 1
    totals = sum(per_day.values(), Counter[str]())
    labels = tuple(label for label, _ in totals.most_common())
    chart = tuple(
        DayCoverage(day, tuple(LabelCount(label, per_day[day][label]) for label in labels))
        for day in window.days
    )
    return chart, labels


def story_matrix(
    stories: Sequence[RankedStory], outlets: Sequence[OutletRef]
) -> tuple[MatrixRow, ...]:
    rows = []
    for story in stories:
        first_by_outlet: dict[str, MatrixCell] = {}
        for item in story.coverage:  # earliest first
            lag = item.when - story.first.when
            first_by_outlet.setdefault(item.outlet.id, MatrixCell(item.article_id, lag))
        rows.append(MatrixRow(story, tuple(first_by_outlet.get(o.id) for o in outlets)))
    return tuple(rows)


# Story ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StoryEntry:
    """An article of a story with its syndicated copies folded under it."""

    article: StoryArticle
    outlet: OutletRef
    why: str
    versions: int
    copies: tuple[StoryEntry, ...]


@dataclass(frozen=True)
class StoryDetail:
    id: int
    headline: str
    first_outlet: OutletRef
    first_seen_at: datetime
    entries: tuple[StoryEntry, ...]
    languages: tuple[str, ...]
    outlets: tuple[OutletRef, ...]


def story_detail(engine: Engine, config: Config, story_id: int) -> StoryDetail | None:
    """Every article of the story in time order, copies folded under their original (when it is
    in the story), with why each joined and how many texts it has had."""
    view = story_by_id(engine, story_id)
    if view is None:
        return None
    refs = outlet_refs(config)
    versions = version_counts(engine, [article.id for article in view.articles])
    members = {article.id for article in view.articles}

    def entry(article: StoryArticle) -> StoryEntry:
        copies = [a for a in view.articles if a.duplicate_of == article.id]
        return StoryEntry(
            article,
            outlet_ref(refs, article.outlet_id),
            why_joined(article),
            versions.get(article.id, 1),
            tuple(entry(copy) for copy in copies),
        )

    originals = [a for a in view.articles if a.duplicate_of not in members]
    languages = tuple(dict.fromkeys(a.language for a in view.articles if a.language))
    return StoryDetail(
        view.id,
        view.headline,
        outlet_ref(refs, view.first_outlet_id),
        view.first_seen_at,
        tuple(entry(article) for article in originals),
        languages,
        tuple(outlet_ref(refs, outlet_id) for outlet_id in view.outlets),
    )


def outlet_refs(config: Config) -> dict[str, OutletRef]:
    return {o.id: OutletRef(o.id, o.name, tuple(o.labels)) for o in config.outlets}


def outlet_ref(refs: dict[str, OutletRef], outlet_id: str) -> OutletRef:
    """The configured outlet, or one named by its id (an outlet removed from the config)."""
    return refs.get(outlet_id) or OutletRef(outlet_id, outlet_id)


def version_counts(engine: Engine, article_ids: Sequence[int]) -> dict[int, int]:
    """How many texts each article has had (its earlier versions and the current one)."""
    if not article_ids:
        return {}
    query = (
        select(ArticleVersion.article_id, func.count())
        .where(ArticleVersion.article_id.in_(article_ids))
        .group_by(ArticleVersion.article_id)
    )
    with Session(engine) as session:
        return {article_id: count + 1 for article_id, count in session.execute(query)}
