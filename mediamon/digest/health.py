"""Outlet health notes: what the reader should know about the collection behind a digest.

A quiet outlet may have published nothing, or its feed may have been failing all day; the notes
say which, from the feeds table (consecutive failures) and the run history (crawl outcomes).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from mediamon.core.models import Feed, Run, utcnow
from mediamon.core.names import CRAWL_JOB_PREFIX
from mediamon.digest.model import HealthNote, OutletRef

WARN_AFTER_FAILURES = 3


def health_notes(
    engine: Engine,
    outlets: Mapping[str, OutletRef],
    articles_per_outlet: Counter[str],
    start: datetime,
    end: datetime | None,
    zone: ZoneInfo,
) -> tuple[HealthNote, ...]:
    """The notes on [start, end); ``end`` None: on every crawl since ``start`` (a period that
    runs up to its newest article is followed by the crawls that found nothing newer)."""
    notes = [
        *_failing_feed_notes(engine, outlets, zone),
        *_crawl_run_notes(engine, start, end, zone),
        *_silent_outlet_notes(outlets, articles_per_outlet),
    ]
    return tuple(sorted(notes, key=lambda note: note.severity != "warning"))


def _failing_feed_notes(
    engine: Engine, outlets: Mapping[str, OutletRef], zone: ZoneInfo
) -> list[HealthNote]:
    query = select(Feed).where(Feed.consecutive_failures >= 1).order_by(Feed.outlet_id, Feed.url)
    with Session(engine) as session:
        feeds = list(session.scalars(query))
    return [_failing_feed_note(feed, outlets, zone) for feed in feeds]


def _failing_feed_note(feed: Feed, outlets: Mapping[str, OutletRef], zone: ZoneInfo) -> HealthNote:
    answer = f"HTTP {feed.last_status}" if feed.last_status else "no answer"
    polled = (
        f"{feed.last_polled_at.astimezone(zone):%Y-%m-%d %H:%M}" if feed.last_polled_at else "?"
    )
    polls = "poll" if feed.consecutive_failures == 1 else f"{feed.consecutive_failures} polls"
    severity = "warning" if feed.consecutive_failures >= WARN_AFTER_FAILURES else "info"
    outlet = outlets.get(feed.outlet_id, OutletRef(feed.outlet_id, feed.outlet_id))
    message = f"feed {feed.url} failed its last {polls} (last: {answer} at {polled})"
    return HealthNote(severity, outlet, message)


def _crawl_run_notes(
    engine: Engine, start: datetime, end: datetime | None, zone: ZoneInfo
) -> list[HealthNote]:
    query = select(Run.outcome, Run.errors).where(
        Run.job.startswith(CRAWL_JOB_PREFIX), Run.started_at >= start
    )
    if end is not None:
        query = query.where(Run.started_at < end)
    with Session(engine) as session:
        runs = list(session.execute(query))
        crawled_before = session.scalar(
            select(Run.id).where(Run.job.startswith(CRAWL_JOB_PREFIX), Run.started_at < start)
        )
    if not runs:
        # Before the first crawl ever (a backfilled period) a missing crawl is no news.
        return _no_crawl_note(start, end, zone) if crawled_before else []
    failed = Counter(outcome for outcome, _ in runs if outcome not in {"ok", "running"})
    if not failed:
        return []
    how = ", ".join(f"{count} {outcome}" for outcome, count in sorted(failed.items()))
    first_error = next((errors[0] for outcome, errors in runs if outcome in failed and errors), "")
    detail = f"; first error: {first_error}" if first_error else ""
    total = sum(failed.values())
    message = f"{total} of {len(runs)} crawls did not finish cleanly ({how}){detail}"
    return [HealthNote("warning", None, message)]


def _no_crawl_note(start: datetime, end: datetime | None, zone: ZoneInfo) -> list[HealthNote]:
    if start > utcnow():
        return []
    since = f"{start.astimezone(zone):%Y-%m-%d %H:%M}"
    window = (
        f"since {since}"
        if end is None
        else f"between {since} and {end.astimezone(zone):%Y-%m-%d %H:%M}"
    )
    message = f"no crawl ran {window}: is the scheduler (or cron) running?"
    return [HealthNote("warning", None, message)]


def _silent_outlet_notes(
    outlets: Mapping[str, OutletRef], articles_per_outlet: Counter[str]
) -> list[HealthNote]:
    if not any(articles_per_outlet.values()):
        return []  # an empty period is reported as such; naming every outlet would add nothing
    silent = [outlet for outlet_id, outlet in outlets.items() if not articles_per_outlet[outlet_id]]
    return [HealthNote("info", outlet, "no articles in this period") for outlet in silent]
