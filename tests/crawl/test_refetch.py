"""When a listing says a stored article changed: every listing kind gives its updated time, and
the crawl's re-fetch budget believes only a plausible time later than the last fetch, not within
the minimum interval, and at most the bound per outlet per crawl."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import feedparser

from scrapers.spiders.entries import FeedEntry
from scrapers.spiders.feeds import entry_of
from scrapers.spiders.jsonfeed import json_feed_entries
from scrapers.spiders.refetch import RefetchBudget
from scrapers.spiders.sitemapxml import read_sitemap

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
FETCHED = NOW - timedelta(hours=3)
EDITED = NOW - timedelta(hours=1)


def budget(max_per_outlet: int = 5, minutes: float = 60) -> RefetchBudget:
    return RefetchBudget(max_per_outlet, timedelta(minutes=minutes), now=lambda: NOW)


def entry(link: str = "https://x.org/a", updated: datetime | None = EDITED) -> FeedEntry:
    return FeedEntry(link, "A title", datetime(2026, 11, 1, tzinfo=UTC), updated)


def test_every_listing_kind_gives_the_time_an_article_was_updated() -> None:
    rss = (
        b'<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><item>'
        b"<link>https://x.org/a</link><pubDate>Sun, 01 Nov 2026 10:00:00 GMT</pubDate>"
        b"<atom:updated>2026-11-30T11:00:00Z</atom:updated></item></channel></rss>"
    )
    [item] = feedparser.parse(rss).entries
    from_rss = entry_of(item, "https://x.org/rss")
    item_json = {"url": "/a", "date_modified": "2026-11-30T11:00:00Z"}
    document = {"version": "https://jsonfeed.org/version/1.1", "items": [item_json]}
    [from_json] = json_feed_entries(json.dumps(document).encode(), "https://x.org/f.json").entries
    sitemap = (
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url>'
        b"<loc>https://x.org/a</loc><lastmod>2026-11-30T11:00:00Z</lastmod></url></urlset>"
    )
    [from_sitemap] = read_sitemap(sitemap, 10**6).entries
    assert from_rss is not None
    assert from_rss.published == datetime(2026, 11, 1, 10, 0, tzinfo=UTC)
    assert {from_rss.updated, from_json.updated, from_sitemap.updated} == {EDITED}


def test_an_article_said_changed_since_its_last_fetch_is_fetched_again_once() -> None:
    refetches = budget()
    assert refetches.grants("tass", entry(), FETCHED)
    assert refetches.grants("tass", entry(), FETCHED)  # a second listing of it: no more cost
    assert refetches.used["tass"] == 1


def test_no_change_since_the_last_fetch_is_no_refetch() -> None:
    refetches = budget()
    assert not refetches.grants("tass", entry(updated=None), FETCHED)
    assert not refetches.grants("tass", entry(updated=FETCHED - timedelta(days=1)), FETCHED)
    assert not refetches.grants("tass", entry(updated=FETCHED), FETCHED)
    assert not refetches.grants("tass", entry(), None)  # not stored by this outlet


def test_implausible_and_future_times_are_ignored() -> None:
    refetches = budget()
    assert not refetches.grants("tass", entry(updated=NOW + timedelta(hours=2)), FETCHED)
    assert not refetches.grants("tass", entry(updated=datetime(1970, 1, 1, tzinfo=UTC)), FETCHED)
    assert refetches.used["tass"] == 0


def test_an_article_fetched_within_the_interval_waits() -> None:
    refetches = budget(minutes=60)
    recent = NOW - timedelta(minutes=20)
    assert not refetches.grants("tass", entry(updated=NOW), recent)
    assert budget(minutes=0).grants("tass", entry(updated=NOW), recent)


def test_each_outlet_gets_at_most_the_bound_per_crawl() -> None:
    refetches = budget(max_per_outlet=2)
    granted = [refetches.grants("tass", entry(f"https://x.org/{n}"), FETCHED) for n in range(5)]
    assert granted == [True, True, False, False, False]
    assert refetches.grants("ria", entry("https://y.org/1"), FETCHED)  # another outlet's own
    assert not budget(max_per_outlet=0).grants("tass", entry(), FETCHED)


def test_a_refetch_travels_to_the_workers_and_older_handoffs_are_none() -> None:
    from scrapy import Request

    from scrapers.spiders.base import OUTLET_META
    from scrapers.spiders.handoffs import ArticleHandoff

    refetch = replace(entry(), refetch_since=FETCHED)
    meta = {OUTLET_META: "tass", "entry": refetch, "source_url": None}
    queued = ArticleHandoff.of(Request(entry().link, meta=meta)).to_json()
    handoff = ArticleHandoff.from_json(queued)
    assert handoff.refetch and handoff.entry().refetch_since == FETCHED
    older = json.dumps({"url": entry().link, "outlet_id": "tass", "title": None})
    assert ArticleHandoff.from_json(older).refetch is False


def test_an_rss_entry_without_an_updated_time_has_none() -> None:
    rss = (
        b'<rss version="2.0"><channel><item><link>https://x.org/a</link>'
        b"<pubDate>Sun, 01 Nov 2026 10:00:00 GMT</pubDate></item></channel></rss>"
    )
    [item] = feedparser.parse(rss).entries
    listed = entry_of(item, "https://x.org/rss")
    assert listed is not None and listed.published is not None
    assert listed.updated is None
