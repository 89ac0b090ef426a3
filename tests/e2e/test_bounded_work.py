"""Bounded work against listings that try to make a crawl go on forever: sitemap indexes that
list themselves or each other or go ever deeper, a feed of 100,000 entries, a section page of
5,000 links, an ``article_urls`` pattern that backtracks catastrophically."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from mediamon.core.db import open_database
from mediamon.core.models import ArticleRow, Feed, Run
from mediamon.core.url_patterns import PatternTimeout, search
from mediamon.world import OutletWorld
from mediamon.world.bounded import ODD_TITLES, BoundedSettings, add_bounded_routes
from scrapers.spiders.caps import cap_feed_body
from tests.support import run_mediamon

CHAIN = 8


@dataclass
class Crawl:
    output: str
    seconds: float
    requests: Counter[str]
    counts: dict[str, Any]
    stored: set[str]
    feeds: dict[str, Feed]


def crawl_once(world: OutletWorld, config: Path, database_url: str, *spiders: str) -> Crawl:
    world.clear_requests()
    options = [option for spider in spiders for option in ("--spider", spider)]
    started = time.monotonic()
    result = run_mediamon(
        "crawl", "--config", str(config), "--database-url", database_url, "--processes", "1",
        *options, check=False, timeout=180,
    )  # fmt: skip
    seconds = time.monotonic() - started
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    with Session(open_database(database_url)) as session:
        counts: Counter[str] = Counter()
        for run in session.scalars(select(Run)):
            counts.update({k: v for k, v in run.counts.items() if isinstance(v, int)})
        stored = set(session.scalars(select(ArticleRow.url)))
        feeds = {feed.url: feed for feed in session.scalars(select(Feed))}
    requests = Counter(record.url for record in world.requests)
    return Crawl(result.stdout + result.stderr, seconds, requests, dict(counts), stored, feeds)


def configure(config: Path, sources: dict[str, Any], crawling: dict[str, Any]) -> None:
    """Keep the first outlet only, with ``sources`` instead of its feeds."""
    outlets = config / "outlets.yaml"
    document = yaml.safe_load(outlets.read_text())
    first = document["outlets"][0]
    first.pop("feeds")
    document["outlets"] = [first | sources]
    outlets.write_text(yaml.safe_dump(document, allow_unicode=True))
    settings = {"timezone": "UTC", "crawling": crawling}
    (config / "settings.yaml").write_text(yaml.safe_dump(settings))


@pytest.fixture(scope="module")
def bounded_world() -> Iterator[tuple[OutletWorld, dict[str, str]]]:
    with OutletWorld() as world:
        urls = add_bounded_routes(world, world.outlets[0].id, BoundedSettings(chain_length=CHAIN))
        yield world, urls


@pytest.fixture(scope="module")
def listings_crawl(
    bounded_world: tuple[OutletWorld, dict[str, str]], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Crawl, dict[str, str]]:
    world, urls = bounded_world
    workdir = tmp_path_factory.mktemp("listings")
    config = world.write_config(workdir / "c")
    sitemaps = [urls["self-index"], urls["cycle-a"], urls["chain-0"]]
    configure(config, {"sitemaps": sitemaps, "sections": [urls["link-farm"]]}, {})
    crawl = crawl_once(world, config, f"sqlite:///{workdir}/l.sqlite", "sitemaps", "sections")
    return crawl, urls


def test_self_listing_sitemap_index_is_fetched_once(listings_crawl: tuple[Crawl, dict]) -> None:
    crawl, urls = listings_crawl
    assert crawl.requests[urls["self-index"]] == 1


def test_cyclic_sitemap_indexes_are_fetched_once_each(listings_crawl: tuple[Crawl, dict]) -> None:
    crawl, urls = listings_crawl
    assert (crawl.requests[urls["cycle-a"]], crawl.requests[urls["cycle-b"]]) == (1, 1)
    assert crawl.counts["mediamon/sitemaps/repeated"] == 2  # the self-listing one, cycle-b's


def test_deep_sitemap_chain_is_cut_at_the_depth_limit(listings_crawl: tuple[Crawl, dict]) -> None:
    crawl, urls = listings_crawl
    fetched = [n for n in range(CHAIN) if crawl.requests[urls[f"chain-{n}"]]]
    assert fetched == [0, 1, 2, 3], "the configured index and 3 levels below it (the default)"
    assert crawl.counts["mediamon/capped/sitemap_depth"] == 1
    assert "crawling.max_sitemap_depth" in crawl.output


def test_section_links_are_capped_and_the_excess_counted(
    listings_crawl: tuple[Crawl, dict],
) -> None:
    crawl, _ = listings_crawl
    assert crawl.counts["mediamon/capped/section_links"] == 5000 - 1000
    assert crawl.output.count("crawling.max_section_links") == 1


@pytest.fixture(scope="module")
def feeds_crawls(
    bounded_world: tuple[OutletWorld, dict[str, str]], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Crawl, Crawl, dict[str, str]]:
    """Two polls of the huge feed, the odd JSON Feed and the feed with an escaped link."""
    world, urls = bounded_world
    workdir = tmp_path_factory.mktemp("feeds")
    config = world.write_config(workdir / "c")
    feeds = [urls["huge-feed"], urls["odd-json"], urls["escaped-feed"]]
    # No AutoThrottle: it never shortens its delay after an error, and the huge feed's links
    # are all 404s; the cap, not the politeness, is what is measured.
    configure(config, {"feeds": feeds}, {"autothrottle": False})
    database_url = f"sqlite:///{workdir}/f.sqlite"
    first = crawl_once(world, config, database_url, "feeds")
    configure(config, {"feeds": feeds[1:]}, {"autothrottle": False})
    second = crawl_once(world, config, database_url, "feeds")
    return first, second, urls


def test_huge_feed_is_capped_finishes_quickly_and_is_recorded_as_polled(
    feeds_crawls: tuple[Crawl, Crawl, dict[str, str]],
) -> None:
    first, _, urls = feeds_crawls
    assert first.counts["mediamon/capped/feed_entries"] == 100_000 - 500
    assert first.seconds < 90, f"the crawl took {first.seconds:.0f} s"
    listed = [url for url in first.requests if "/m/" in url]
    assert len(listed) == 500
    feed = first.feeds[urls["huge-feed"]]
    assert feed.last_polled_at is not None and feed.entries_seen == 500
    assert first.output.count("crawling.max_feed_entries") == 1


def test_json_feed_titles_of_every_type_lose_no_article(
    feeds_crawls: tuple[Crawl, Crawl, dict[str, str]],
) -> None:
    first, _, urls = feeds_crawls
    articles = {urls[f"article-{n}"] for n in range(len(ODD_TITLES))}
    assert articles <= first.stored
    assert "TypeError" not in first.output
    assert first.output.count("dropped a title that is a") == 4  # true, false, [], {}
    assert first.counts.get("log_count/ERROR", 0) == 0


def test_link_needing_percent_escaping_is_not_fetched_again(
    feeds_crawls: tuple[Crawl, Crawl, dict[str, str]],
) -> None:
    first, second, urls = feeds_crawls
    article = urls["escaped-article"]
    assert article in first.stored and first.requests[article] == 1
    assert second.requests[urls["escaped-feed"]] == 1, "the feed is read in full again"
    assert second.requests[article] == 0
    odd_articles = [urls[f"article-{n}"] for n in range(len(ODD_TITLES))]
    assert not [url for url in odd_articles if second.requests[url]]


def test_huge_feed_body_is_cut_before_parsing() -> None:
    items = b"".join(b"<item><link>http://x.org/%d</link></item>" % n for n in range(2000))
    body = b"<rss><channel><title>t</title>" + items + b"</channel></rss>"
    cut, excess = cap_feed_body(body, 10)
    assert excess == 1990
    assert cut.endswith(b"<link>http://x.org/9</link></item></channel></rss>")
    assert cap_feed_body(body, 5000) == (body, 0)


def test_catastrophic_pattern_is_cut_at_match_time() -> None:
    started = time.monotonic()
    with pytest.raises(PatternTimeout):
        search(r"(a+)+$", "http://x.org/" + "a" * 50_000 + "!")
    assert time.monotonic() - started < 5
    assert search(r"/\d{4}/", "http://x.org/2023/05/")


@pytest.mark.parametrize("processes", ["1", "2"])
def test_time_limit_stops_a_crawl_of_slow_outlets_and_exits_non_zero(
    tmp_path: Path, processes: str
) -> None:
    with OutletWorld() as world:
        for outlet in world.outlets:
            world.site(outlet.id).latency = 2.0  # every answer, robots.txt included
        config = world.write_config(tmp_path / "c")
        started = time.monotonic()
        result = run_mediamon(
            "crawl", "--config", str(config), "--database-url", f"sqlite:///{tmp_path}/t.sqlite",
            "--processes", processes, "--time-limit", "3", check=False, timeout=120,
        )  # fmt: skip
        seconds = time.monotonic() - started
    assert result.returncode == 1, result.stdout + result.stderr[-3000:]
    assert "the crawl reached its time limit of 3 s" in result.stderr
    assert "finished: closespider_timeout" in result.stdout
    assert seconds < 60, f"the crawl took {seconds:.0f} s"


def test_robots_txt_sitemap_lines_are_read_absolute() -> None:
    from scrapers.spiders.sitemaps import robots_sitemaps

    body = b"User-agent: *\nDisallow: /x\nSitemap: /a.xml\nsitemap:http://x.org/b.xml\nSitemap:\n"
    assert robots_sitemaps(body, "http://x.org/robots.txt") == [
        "http://x.org/a.xml",
        "http://x.org/b.xml",
    ]
