"""The digest: a period's stories per topic, ranked by how many outlets covered them and how
recently, with per-outlet counts, a coverage timeline and notes on the collection's health.

Times are stored in UTC; the digest's days and times are in the configured time zone.
A story is what the stories pipeline grouped (``story_members``); an article it has not placed
is a story with its exact copies (``duplicate_of``). :func:`story_groups` is the one place that
decides what a story is.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from mediamon.core.config import Config
from mediamon.core.textclean import without_bidi_controls
from mediamon.digest.health import health_notes
from mediamon.digest.model import (
    Coverage,
    Digest,
    OutletCount,
    OutletRef,
    OutletShare,
    Story,
    TopicSection,
)
from mediamon.digest.periods import day_window
from mediamon.digest.records import PreviousDigest
from mediamon.digest.render import render_markdown
from mediamon.digest.selection import ArticleRecord, articles_in_period
from mediamon.digest.timeline import timeline_buckets

__all__ = ["build_digest", "day_window", "lead_snippet", "render_markdown", "story_groups"]

FULL_STORIES = 20
BRIEF_STORIES = 80
SNIPPET_CHARS = 280
OTHER_TOPIC = "_other"  # topic ids cannot start with "_", so this never clashes
OTHER_NAME = "Other coverage (no topic matched)"
StoryGroup = tuple[ArticleRecord, ...]


def build_digest(
    engine: Engine,
    config: Config,
    start: datetime,
    end: datetime,
    topic: str | None = None,
    previous: PreviousDigest | None = None,
    open_ended: bool = False,
) -> Digest:
    """The digest of [start, end), of one topic or of all; stories the ``previous`` digest did
    not show are marked new. ``open_ended``: the period ends with its newest article, and the
    health notes tell of every crawl since ``start``."""
    zone = config.settings.zone
    outlets = {o.id: _outlet(o.id, o.name, o.labels) for o in config.outlets}
    topics = [config.topic(topic)] if topic else config.topics
    wanted = {t.id for t in topics}
    records = articles_in_period(engine, start, end)
    tagged = [
        (_story(group, outlets, zone, previous), _topics(group)) for group in story_groups(records)
    ]
    return Digest(
        start=start.astimezone(zone),
        end=end.astimezone(zone),
        zone=zone,
        topic_filter=topic,
        sections=tuple(_section(t.id, t.name, _about(tagged, t.id)) for t in topics),
        other=None if topic else _section(OTHER_TOPIC, OTHER_NAME, _about(tagged, None)),
        outlet_counts=_outlet_counts(records, outlets, wanted),
        timeline=timeline_buckets(records, start, end, zone, lambda r: bool(r.topics & wanted)),
        health=health_notes(
            engine,
            outlets,
            Counter(r.outlet_id for r in records),
            start,
            None if open_ended else end,
            zone,
        ),
        previous_start=previous.start.astimezone(zone) if previous else None,
        previous_end=previous.end.astimezone(zone) if previous else None,
        collected_count=len(records),
        last_collected=_last_collected(records, zone),
    )


def _last_collected(records: Sequence[ArticleRecord], zone: ZoneInfo) -> datetime | None:
    """When the newest of the period's articles was fetched: what the digest is up to date with."""
    if not records:
        return None
    return max(record.fetched_at for record in records).astimezone(zone)


def _about(tagged: list[tuple[Story, frozenset[str]]], topic_id: str | None) -> list[Story]:
    """The stories on ``topic_id``, or those on no topic at all when it is None."""
    if topic_id is None:
        return [story for story, topic_ids in tagged if not topic_ids]
    return [story for story, topic_ids in tagged if topic_id in topic_ids]


def ranked_stories(records: Sequence[ArticleRecord], config: Config) -> list[Story]:
    """``records`` as the digest's stories, ranked as the digest ranks them (none marked new)."""
    outlets = {o.id: _outlet(o.id, o.name, o.labels) for o in config.outlets}
    zone = config.settings.zone
    return rank(_story(group, outlets, zone, None) for group in story_groups(records))


def story_groups(records: Sequence[ArticleRecord]) -> list[StoryGroup]:
    """The period's articles grouped into stories, each group in order of first appearance."""
    groups: dict[str, list[ArticleRecord]] = {}
    for record in records:
        groups.setdefault(record.story_key, []).append(record)
    return [tuple(group) for group in groups.values()]


def _topics(group: StoryGroup) -> frozenset[str]:
    return frozenset().union(*(record.topics for record in group))


def _story(
    group: StoryGroup,
    outlets: dict[str, OutletRef],
    zone: ZoneInfo,
    previous: PreviousDigest | None,
) -> Story:
    ordered = sorted(group, key=lambda record: (record.when, record.id))
    coverage = tuple(_coverage(record, outlets, zone) for record in ordered)
    key = ordered[0].story_key
    is_new = previous is not None and key not in previous.story_keys
    lead = next((r.lead for r in ordered if r.duplicate_of is None and r.lead.strip()), "")
    return Story(key, coverage, lead_snippet(lead or ordered[0].lead), is_new)


def _coverage(record: ArticleRecord, outlets: dict[str, OutletRef], zone: ZoneInfo) -> Coverage:
    return Coverage(
        article_id=record.id,
        outlet=outlets.get(record.outlet_id) or _outlet(record.outlet_id, record.outlet_id),
        title=" ".join(without_bidi_controls(record.title or record.url).split()),
        url=record.url,
        when=record.when.astimezone(zone),
        is_copy=record.duplicate_of is not None,
    )


def _outlet(outlet_id: str, name: str, labels: Sequence[str] = ()) -> OutletRef:
    """Outlet names and labels are shown beside scraped text, and cleaned like it."""
    clean = without_bidi_controls
    return OutletRef(outlet_id, clean(name), tuple(clean(label) for label in labels))


def lead_snippet(text: str, limit: int = SNIPPET_CHARS) -> str:
    """The first paragraph (without bidi controls), cut at a word boundary near ``limit``
    characters."""
    lines = without_bidi_controls(text).splitlines()
    first = next((" ".join(p.split()) for p in lines if p.strip()), "")
    if len(first) <= limit:
        return first
    return first[:limit].rsplit(" ", 1)[0] + " …"


def rank(stories: Iterable[Story]) -> list[Story]:
    """Most outlets first; among equals, the most recently covered first."""
    return sorted(stories, key=lambda s: (-len(s.outlets), -s.latest.timestamp(), s.key))


def _section(topic_id: str, name: str, stories: Iterable[Story]) -> TopicSection:
    ranked = rank(stories)
    full, rest = ranked[:FULL_STORIES], ranked[FULL_STORIES:]
    brief, counted = rest[:BRIEF_STORIES], rest[BRIEF_STORIES:]
    return TopicSection(topic_id, name, tuple(full), tuple(brief), tuple(counted), _shares(counted))


def _shares(stories: Sequence[Story]) -> tuple[OutletShare, ...]:
    per_outlet = Counter(item.outlet for story in stories for item in story.coverage)
    return tuple(OutletShare(outlet, n) for outlet, n in per_outlet.most_common())


def _outlet_counts(
    records: Sequence[ArticleRecord], outlets: dict[str, OutletRef], wanted: set[str]
) -> tuple[OutletCount, ...]:
    everything = Counter(record.outlet_id for record in records)
    on_topic = Counter(record.outlet_id for record in records if record.topics & wanted)
    known = {**outlets, **{i: _outlet(i, i) for i in everything if i not in outlets}}
    counts = [OutletCount(ref, everything[i], on_topic[i]) for i, ref in known.items()]
    return tuple(sorted(counts, key=_by_coverage))


def _by_coverage(count: OutletCount) -> tuple[int, int, str]:
    return (-count.on_topic, -count.articles, count.outlet.name.lower())
