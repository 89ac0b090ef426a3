"""What a poll of unchanged feeds costs besides its requests: the feeds' state read and written
in one query per batch, not one per feed, and no second crawl process for work a conditional GET
answers."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import yaml
from scrapy import Request
from sqlalchemy import Engine, event

from mediamon.core.context import get_context
from mediamon.core.db import open_database
from mediamon.crawl.feedstate import PollOutcome, Validators, load_feed_states, record_polls
from mediamon.crawl.plan import CrawlPlan
from mediamon.crawl.shards import plan_shards
from scrapers.middlewares import VALIDATORS_META, ConditionalGetMiddleware

FEED = "https://tass.com/rss/v2.xml"


@contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    """The SQL statements ``engine`` sends to the database meanwhile."""
    sent: list[str] = []

    def record(*args: object) -> None:
        sent.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", record)


def feeds(count: int) -> list[str]:
    return [f"https://outlet-{n}.example/rss.xml" for n in range(count)]


def answered(urls: list[str], status: int = 304) -> list[PollOutcome]:
    validators = Validators('"v1"', "Tue, 23 May 2023 10:00:00 GMT") if status == 200 else None
    return [PollOutcome(url, "tass", status, validators) for url in urls]


def test_a_batch_of_polls_is_one_read_and_a_few_batched_writes(database_url: str) -> None:
    engine = open_database(database_url)
    few, many = feeds(3), feeds(300)
    record_polls(engine, answered(few + many, 200))
    with statements(engine) as for_few:
        record_polls(engine, answered(few))
    with statements(engine) as for_many:
        record_polls(engine, answered(many))
    reads = [s for s in for_many if s.lstrip().upper().startswith("SELECT")]
    assert len(reads) == 1
    # the updates go as executemany batches: a handful of statements for 300 feeds
    assert len(for_few) <= len(for_many) <= 10
    states = load_feed_states(engine, many)
    assert len(states) == 300
    assert all(state.validators.etag == '"v1"' for state in states.values())


def test_the_validators_read_with_the_other_feeds_cost_no_query(database_url: str) -> None:
    engine = open_database(database_url)
    record_polls(engine, answered([FEED], 200))
    known = load_feed_states(engine, [FEED])[FEED].validators
    middleware = ConditionalGetMiddleware(engine)
    request = Request(FEED, meta={"conditional_get": True, VALIDATORS_META: (FEED, known)})
    with statements(engine) as sent:
        middleware.process_request(request)
    assert sent == []
    assert request.headers[b"If-None-Match"] == b'"v1"'


def test_validators_read_for_a_feed_are_not_sent_where_it_redirects(database_url: str) -> None:
    engine = open_database(database_url)
    known = Validators('"v1"', None)
    elsewhere = "https://tass.com/other.xml"
    middleware = ConditionalGetMiddleware(engine)
    request = Request(elsewhere, meta={"conditional_get": True, VALIDATORS_META: (FEED, known)})
    middleware.process_request(request)
    assert b"If-None-Match" not in request.headers


def two_process_config(world_config: Path) -> Path:
    settings = world_config / "settings.yaml"
    document = yaml.safe_load(settings.read_text(encoding="utf-8")) or {}
    document.setdefault("crawling", {})["crawl_processes"] = 2
    settings.write_text(yaml.safe_dump(document), encoding="utf-8")
    return world_config


def feeds_plan(*arguments: tuple[str, str]) -> CrawlPlan:
    return CrawlPlan(["feeds"], [], False, "WARNING", None, dict(arguments) or None)


def test_a_poll_of_feeds_with_validators_runs_in_one_process(
    world_config: Path, database_url: str
) -> None:
    context = get_context(str(two_process_config(world_config)), database_url)
    urls = [url for outlet in context.config.outlets for url in outlet.feeds]
    assert len(plan_shards(context, feeds_plan(), None)) == 2  # never polled: read in full
    record_polls(context.engine, answered(urls, 200))
    assert plan_shards(context, feeds_plan(), None) == []
    assert len(plan_shards(context, feeds_plan(), 2)) == 2  # --processes 2 is obeyed


def test_a_due_only_poll_with_nothing_due_runs_in_one_process(
    world_config: Path, database_url: str
) -> None:
    context = get_context(str(two_process_config(world_config)), database_url)
    urls = [url for outlet in context.config.outlets for url in outlet.feeds]
    record_polls(context.engine, answered(urls, 503))  # failed: no validators, backed off
    assert len(plan_shards(context, feeds_plan(), None)) == 2
    assert plan_shards(context, feeds_plan(("due_only", "1")), None) == []
