"""Adaptive feed polling: the next poll follows the feed's publishing rate within the configured
bounds, backs off on failures, and honours a long Retry-After."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from mediamon.core.db import open_database
from mediamon.core.models import Feed
from mediamon.crawl.feedstate import PollPolicy, Validators, due_feeds, record_poll

NOW = datetime(2023, 5, 24, 12, tzinfo=UTC)
URL = "https://tass.com/rss/v2.xml"
MINUTE = 60.0
HOUR = 3600.0
POLICY = PollPolicy(min_interval=5 * MINUTE, max_interval=6 * HOUR, backoff_max=24 * HOUR)


@pytest.fixture
def engine(database_url: str) -> Engine:
    return open_database(database_url)


def feed(engine: Engine) -> Feed:
    with Session(engine) as session:
        row = session.get(Feed, URL)
        assert row is not None
        return row


def poll(engine: Engine, status: int | None, at: datetime = NOW, **kwargs: object) -> Feed:
    validators = Validators('"v1"') if status == 200 else None
    record_poll(engine, URL, "tass", status, validators, policy=POLICY, now=at, **kwargs)  # type: ignore[arg-type]
    return feed(engine)


def every(minutes: float, count: int) -> list[datetime]:
    return [NOW - timedelta(minutes=minutes * n) for n in range(count)]


def test_interval_is_the_median_gap_between_entries(engine: Engine) -> None:
    times = [*every(40, 10), NOW - timedelta(days=3)]  # one old straggler barely moves a median
    row = poll(engine, 200, entry_times=times)
    assert row.poll_interval == 40 * MINUTE
    assert row.next_poll_at == NOW + timedelta(minutes=40)
    assert row.newest_entry_at == NOW


@pytest.mark.parametrize(
    ("gap_minutes", "expected"), [(1, 5 * MINUTE), (60 * 24, 6 * HOUR)], ids=["busy", "quiet"]
)
def test_interval_is_clamped_to_the_configured_bounds(
    engine: Engine, gap_minutes: float, expected: float
) -> None:
    assert poll(engine, 200, entry_times=every(gap_minutes, 10)).poll_interval == expected


def test_an_unchanged_feed_keeps_its_interval(engine: Engine) -> None:
    poll(engine, 200, entry_times=every(30, 10))
    later = NOW + timedelta(minutes=30)
    row = poll(engine, 304, at=later)
    assert row.poll_interval == 30 * MINUTE
    assert row.next_poll_at == later + timedelta(minutes=30)
    assert row.newest_entry_at == NOW


def test_backoff_doubles_per_failure_is_capped_and_resets_on_success(engine: Engine) -> None:
    poll(engine, 200, entry_times=every(60, 10))
    waits = []
    for _ in range(6):
        row = poll(engine, 503)
        waits.append((row.next_poll_at - NOW).total_seconds() / HOUR)  # type: ignore[operator]
    assert waits == [2, 4, 8, 16, 24, 24]
    row = poll(engine, 200, entry_times=every(60, 10))
    assert row.consecutive_failures == 0
    assert row.next_poll_at == NOW + timedelta(hours=1)


def test_a_long_retry_after_sets_the_next_poll(engine: Engine) -> None:
    poll(engine, 200, entry_times=every(10, 10))
    row = poll(engine, 429, retry_after=3 * HOUR)
    assert row.next_poll_at == NOW + timedelta(hours=3)


def test_only_feeds_whose_time_has_come_are_due(engine: Engine) -> None:
    poll(engine, 200, entry_times=every(60, 10))
    never_polled = "https://tass.com/rss/other.xml"
    assert due_feeds(engine, [URL, never_polled], now=NOW) == {never_polled}
    assert due_feeds(engine, [URL], now=NOW + timedelta(hours=1)) == {URL}
