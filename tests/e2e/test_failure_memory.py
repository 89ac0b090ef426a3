"""Failure memory (issue 14): real crawls of the outlet world into a real SQLite file.

One outlet lists, in its feed, sitemaps and section pages alike, an article that answers 404
and one whose page extracts to nothing. Three crawls one after another: the first records both
and still keeps every listing's validators; the second (the 404 made due, as if its backoff had
passed) gets 304 for every feed, sitemap and section page, retries the 404 once and leaves the
empty page alone; the third, after a new article, gives the 404 up after its last attempt.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from mediamon.core.db import open_database
from mediamon.core.models import ArticleRow, Feed, ListingValidators, UrlFailure, utcnow
from mediamon.world import OutletWorld, RequestRecord
from mediamon.world.server import Response
from tests.support import PROJECT_CONFIG, run_mediamon

SETTINGS = (
    "timezone: UTC\n"
    "crawling:\n"
    "  timeout_seconds: 5\n"
    "  crawl_processes: 1\n"
    "  extract_processes: 0\n"
    "  url_retry_minutes: 30\n"
    "  url_max_attempts: 2\n"
)
EMPTY_PAGE = b"<!DOCTYPE html><html><head><title></title></head><body></body></html>"
NEWS = (
    "Residents of three border villages were evacuated on Thursday after overnight shelling.",
    "The regional governor said buses would take families to temporary housing further north.",
    "Schools in the district will stay closed until the end of the week, officials announced.",
)
LISTING_PATHS = ("/sitemap_index.xml", "/sitemaps/", "/sections/")


@dataclass
class Crawls:
    world: OutletWorld
    failing_url: str
    empty_url: str
    new_url: str
    requests: list[list[RequestRecord]]  # per crawl
    outputs: list[str]  # per crawl
    failures_after: list[dict[str, UrlFailure]]  # per crawl
    feeds_after_first: dict[str, Feed]
    listings_after_first: dict[str, ListingValidators]
    status: str


def not_found(_: object) -> Response:
    return Response(404, b"gone", (("Content-Type", "text/html"),))


def empty_page(_: object) -> Response:
    return Response(200, EMPTY_PAGE, (("Content-Type", "text/html; charset=utf-8"),))


@pytest.fixture(scope="module")
def crawls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawls]:
    workdir = tmp_path_factory.mktemp("failures")
    with OutletWorld() as world:
        outlet = world.outlets[0]
        failing = world.add_article(outlet.id, title="Gone", paragraphs=["Soon gone."] * 3)
        empty = world.add_article(outlet.id, title="Empty", paragraphs=["Soon empty."] * 3)
        world.site(outlet.id).update_routes({failing.path: not_found, empty.path: empty_page})
        config = world.write_config(
            workdir / "config", PROJECT_CONFIG / "topics.yaml", discovery=True
        )
        (config / "settings.yaml").write_text(SETTINGS)
        database_url = f"sqlite:///{workdir}/failures.sqlite"
        crawl = ("crawl", "--config", str(config), "--database-url", database_url)
        requests, failures, outputs = [], [], []
        for number in range(3):
            if number == 1:
                make_due(database_url, failing.url)
            if number == 2:
                make_due(database_url, failing.url)
                new = world.add_article(outlet.id, title="Border villages", paragraphs=NEWS)
            world.clear_requests()
            result = run_mediamon(*crawl)
            outputs.append(result.stdout + result.stderr)
            requests.append(world.requests)
            failures.append(read_rows(database_url, UrlFailure))
            if number == 0:
                feeds = read_rows(database_url, Feed)
                listings = read_rows(database_url, ListingValidators)
        status = run_mediamon("status", "--config", str(config), "--database-url", database_url)
        yield Crawls(
            world,
            failing.url,
            empty.url,
            new.url,
            requests,
            outputs,
            failures,
            feeds,
            listings,
            status.stdout,
        )


def make_due(database_url: str, url: str) -> None:
    """As if the page's backoff had passed."""
    with Session(open_database(database_url)) as session, session.begin():
        past = utcnow() - timedelta(minutes=1)
        query = update(UrlFailure).where(UrlFailure.url == url, UrlFailure.retry_at.is_not(None))
        session.execute(query.values(retry_at=past))


def read_rows(database_url: str, model: type) -> dict[str, object]:
    with Session(open_database(database_url), expire_on_commit=False) as session:
        return {row.url: row for row in session.scalars(select(model))}


def asked(records: list[RequestRecord], url: str) -> int:
    return sum(1 for record in records if record.url == url)


def feed_urls(world: OutletWorld) -> set[str]:
    return {url for outlet in world.outlets for url in outlet.feed_urls}


def test_a_page_listed_by_feed_sitemap_and_section_that_fails_is_requested_once_per_crawl(
    crawls: Crawls,
) -> None:
    first = crawls.requests[0]
    assert asked(first, crawls.failing_url) == 1
    assert asked(first, crawls.empty_url) == 1
    failure = crawls.failures_after[0][crawls.failing_url]
    assert failure.reason == "HTTP 404" and failure.attempts == 1
    assert failure.retry_at is not None
    assert failure.retry_at - failure.last_failed_at == timedelta(minutes=30)


def test_a_feed_listing_a_failing_article_keeps_its_validators(crawls: Crawls) -> None:
    outlet = crawls.world.outlets[0]
    for url in outlet.feed_urls:
        feed = crawls.feeds_after_first[url]
        assert feed.etag or feed.last_modified, url


def listings_read(records: list[RequestRecord], world: OutletWorld) -> set[str]:
    """The feeds, sitemaps and section pages answered in full."""
    feeds = feed_urls(world)
    return {
        r.url
        for r in records
        if r.status == 200 and (r.url in feeds or r.path.startswith(LISTING_PATHS))
    }


def test_sitemaps_and_section_pages_keep_their_validators(crawls: Crawls) -> None:
    read = listings_read(crawls.requests[0], crawls.world) - feed_urls(crawls.world)
    assert any("/sections/" in url for url in read) and any("/sitemaps/" in url for url in read)
    assert read == set(crawls.listings_after_first)
    for outlet in crawls.world.outlets:
        index = crawls.listings_after_first[f"{outlet.base_url}/sitemap_index.xml"]
        assert index.etag and index.followed, "the index remembers the sitemaps it listed"


def test_the_second_crawl_asks_every_listing_conditionally_and_refetches_nothing(
    crawls: Crawls,
) -> None:
    read_first = listings_read(crawls.requests[0], crawls.world)
    second = crawls.requests[1]
    listings = [r for r in second if r.url in read_first]
    assert {r.url for r in listings} == read_first, "indexes lead to their sitemaps on 304"
    assert [r.url for r in listings if not r.conditional] == []
    assert {r.status for r in listings} == {304}
    others = [r for r in second if r.url not in read_first and r.path != "/robots.txt"]
    assert [r.url for r in others if r.status != 404 or "/sections/" not in r.path] == [
        crawls.failing_url
    ], "no page but the failed one whose backoff passed"


def test_the_failing_article_is_retried_once_through_the_failure_record(crawls: Crawls) -> None:
    assert asked(crawls.requests[1], crawls.failing_url) == 1
    assert crawls.failures_after[1][crawls.failing_url].attempts == 2


def test_a_page_that_extracts_to_nothing_is_not_refetched_and_shows_its_reason(
    crawls: Crawls,
) -> None:
    assert asked(crawls.requests[1], crawls.empty_url) == 0
    assert asked(crawls.requests[2], crawls.empty_url) == 0
    record = crawls.failures_after[1][crawls.empty_url]
    assert "no article text could be extracted" in record.reason
    assert crawls.empty_url in crawls.status
    assert "no article text could be extracted" in crawls.status


def test_after_its_last_attempt_a_page_is_given_up_and_shown_so(crawls: Crawls) -> None:
    given_up = crawls.failures_after[1][crawls.failing_url]
    assert given_up.retry_at is None
    third = crawls.requests[2]
    assert asked(third, crawls.new_url) == 1, "the feed changed and was read in full"
    assert crawls.new_url not in crawls.failures_after[2], "the new article was stored"
    assert asked(third, crawls.failing_url) == 0, "listed again, but given up"
    assert "failed pages: 1 waiting for a retry, 1 given up" in crawls.status, crawls.status
    lines = crawls.status.splitlines()
    shown = next(n for n, line in enumerate(lines) if line.endswith(crawls.failing_url))
    assert lines[shown + 1].strip() == "HTTP 404 (2 attempts; given up)"


def test_no_crawl_requests_a_url_twice(crawls: Crawls) -> None:
    for records in crawls.requests:
        requested = Counter(r.url for r in records if r.path != "/robots.txt")
        assert [url for url, times in requested.items() if times > 1] == []


def test_each_failure_is_one_warning_line_naming_outlet_url_and_cause(crawls: Crawls) -> None:
    outlet_id = crawls.world.outlets[0].id
    for output in crawls.outputs[:2]:
        assert "Traceback" not in output
        lines = [line for line in output.splitlines() if crawls.failing_url in line]
        warnings = [line for line in lines if "WARNING" in line]
        assert len(warnings) == 1, warnings
        assert outlet_id in warnings[0] and "404" in warnings[0]


def test_a_sitemap_crawl_cut_short_keeps_no_validators_and_loses_nothing(tmp_path: Path) -> None:
    with OutletWorld() as world:
        config = world.write_config(
            tmp_path / "config", PROJECT_CONFIG / "topics.yaml", discovery=True
        )
        (config / "settings.yaml").write_text(SETTINGS)
        database_url = f"sqlite:///{tmp_path}/cut.sqlite"
        crawl = ("crawl", "--spider", "sitemaps", "--config", str(config))
        crawl += ("--database-url", database_url)
        with world.slowed(1.0):  # robots.txt, index, sitemaps, then articles: cut among those
            cut = run_mediamon(*crawl, "--time-limit", "3.5", check=False)
        assert cut.returncode == 1 and "closespider_timeout" in cut.stdout, cut.stdout
        read = [r for r in world.requests if "/sitemaps/" in r.path and r.status == 200]
        assert read, "sitemaps were read in full before the cut"
        assert read_rows(database_url, ListingValidators) == {}
        world.clear_requests()
        run_mediamon(*crawl)
        sitemaps = [r for r in world.requests if r.path.startswith(LISTING_PATHS)]
        assert sitemaps and not [r.url for r in sitemaps if r.conditional or r.status != 200]
        stored = set(read_rows(database_url, ArticleRow))
        assert stored == {article.url for article in world.articles}
