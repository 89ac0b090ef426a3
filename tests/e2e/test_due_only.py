"""`mediamon crawl --due-only`, as the scheduler runs it: feeds not yet due are skipped, and a
server's long Retry-After postpones its feed's next poll (timing from the world's request log)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from sqlalchemy import update
from sqlalchemy.orm import Session

from mediamon.core.db import open_database
from mediamon.core.exit_codes import ExitCode
from mediamon.core.models import Feed, utcnow
from mediamon.world import OutletWorld
from mediamon.world.server import Response
from tests.support import PROJECT_CONFIG, run_mediamon

RETRY_AFTER = 3600
THROTTLED_PATH = "/throttled.xml"


@dataclass
class Crawls:
    world: OutletWorld
    throttled_url: str
    due_url: str
    first_requests: list[Any]
    first_output: str
    due_only_requests: list[Any]
    due_only_output: str
    feeds: dict[str, Feed]


def always_throttled(_: object) -> Response:
    return Response(429, b"slow down", (("Retry-After", str(RETRY_AFTER)),))


@pytest.fixture(scope="module")
def crawls(tmp_path_factory: pytest.TempPathFactory) -> Any:
    workdir = tmp_path_factory.mktemp("due")
    with OutletWorld() as world:
        first_outlet, second_outlet = world.outlets[:2]
        world.site(first_outlet.id).update_routes({THROTTLED_PATH: always_throttled})
        throttled_url = first_outlet.base_url + THROTTLED_PATH
        config = write_config(world, workdir, throttled_url)
        database_url = f"sqlite:///{workdir}/due.sqlite"
        crawl = ("crawl", "--config", str(config), "--database-url", database_url)
        first = run_mediamon(*crawl, check=False)
        # the feed answering 429 (too long a Retry-After to wait for) is a failed source
        assert first.returncode == ExitCode.SOURCES_FAILED, first.stdout + first.stderr
        first_requests = world.requests
        due_url = second_outlet.feed_urls[0]
        make_due(database_url, due_url)
        world.clear_requests()
        due_only = run_mediamon(*crawl, "--due-only")
        with Session(open_database(database_url), expire_on_commit=False) as session:
            feeds = {row.url: row for row in session.query(Feed)}
        yield Crawls(
            world,
            throttled_url,
            due_url,
            first_requests,
            first.stdout,
            world.requests,
            due_only.stdout,
            feeds,
        )


def write_config(world: OutletWorld, workdir: Path, throttled_url: str) -> Path:
    config = world.write_config(workdir / "config", PROJECT_CONFIG / "topics.yaml")
    outlets_file = config / "outlets.yaml"
    document = yaml.safe_load(outlets_file.read_text())
    document["outlets"][0]["feeds"].append(throttled_url)
    outlets_file.write_text(yaml.safe_dump(document, allow_unicode=True))
    (config / "settings.yaml").write_text(
        "timezone: UTC\ncrawling:\n  retry_after_max_seconds: 1\n"
    )
    return config


def make_due(database_url: str, url: str) -> None:
    with Session(open_database(database_url)) as session, session.begin():
        past = utcnow() - timedelta(minutes=1)
        session.execute(update(Feed).where(Feed.url == url).values(next_poll_at=past))


def test_a_plain_crawl_polls_every_feed_and_schedules_each(crawls: Crawls) -> None:
    feed_urls = {url for o in crawls.world.outlets for url in o.feed_urls} | {crawls.throttled_url}
    assert feed_urls <= {r.url for r in crawls.first_requests}
    assert set(crawls.feeds) == feed_urls
    for row in crawls.feeds.values():
        assert row.next_poll_at is not None and row.last_polled_at is not None
        assert row.next_poll_at - row.last_polled_at >= timedelta(minutes=5)


def test_a_long_retry_after_is_not_waited_for_but_postpones_the_next_poll(crawls: Crawls) -> None:
    asked = [r for r in crawls.first_requests if r.url == crawls.throttled_url]
    assert [r.status for r in asked] == [429]
    row = crawls.feeds[crawls.throttled_url]
    assert row.next_poll_at is not None
    assert row.next_poll_at - asked[0].time >= timedelta(seconds=RETRY_AFTER - 5)
    assert row.consecutive_failures == 1


def test_due_only_polls_the_due_feed_and_skips_the_others(crawls: Crawls) -> None:
    requested = {r.url for r in crawls.due_only_requests}
    assert crawls.due_url in requested
    other_feeds = {url for o in crawls.world.outlets for url in o.feed_urls} - {crawls.due_url}
    assert not requested & (other_feeds | {crawls.throttled_url})
    assert {r.path for r in crawls.due_only_requests} <= {
        "/robots.txt",
        urlsplit(crawls.due_url).path,
    }
    assert f"{len(other_feeds) + 1} feeds not due" in crawls.due_only_output
