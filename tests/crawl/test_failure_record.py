"""The failure record of pages on a real database (SQLite and PostgreSQL): the wait before the
next attempt doubles after each failure up to its cap, the page is given up after the last
attempt, and storing it forgets it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from mediamon.core.db import open_database
from mediamon.crawl.failures import (
    RetryPolicy,
    clear_url_failures,
    count_url_failures,
    due_retries,
    record_url_failure,
    recorded_failures,
)

URL = "https://news.example/2023/05/23/gone"
START = datetime(2023, 5, 23, 12, 0, tzinfo=UTC)


def test_the_wait_doubles_after_each_failure_and_the_page_is_given_up_at_the_limit(
    database_url: str,
) -> None:
    engine = open_database(database_url)
    policy = RetryPolicy(first_wait=60, max_wait=86_400, max_attempts=4)
    now, waits = START, []
    for _ in range(4):
        record = record_url_failure(engine, URL, "news", "HTTP 500", policy, now=now)
        waits.append(None if record.retry_at is None else (record.retry_at - now).total_seconds())
        assert recorded_failures(engine, [URL], now=now) == {URL: True}, "held back meanwhile"
        now = record.retry_at or now + timedelta(days=365)
        assert recorded_failures(engine, [URL], now=now) == {URL: record.retry_at is None}
    assert waits == [60, 120, 240, None]
    assert record.attempts == 4 and record.reason == "HTTP 500"
    assert due_retries(engine, ["news"], now=now) == [], "given up: never due again"
    assert count_url_failures(engine) == (0, 1)
    engine.dispose()


def test_the_wait_is_capped() -> None:
    policy = RetryPolicy(first_wait=60, max_wait=100, max_attempts=10)
    assert [policy.wait(attempts) for attempts in (1, 2, 3, 9)] == [60, 100, 100, 100]


def test_a_due_page_is_listed_for_its_outlet_and_forgotten_once_stored(database_url: str) -> None:
    engine = open_database(database_url)
    policy = RetryPolicy(first_wait=60, max_wait=3600, max_attempts=5)
    record_url_failure(engine, URL, "news", "timeout", policy, source_url="feed", now=START)
    later = START + timedelta(minutes=2)
    assert [(r.url, r.source_url) for r in due_retries(engine, ["news"], now=later)] == [
        (URL, "feed")
    ]
    assert due_retries(engine, ["other"], now=later) == []
    clear_url_failures(engine, [URL])
    assert recorded_failures(engine, [URL], now=later) == {}
    engine.dispose()
