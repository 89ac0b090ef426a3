"""Every value a listing gives is checked into the Article's types at the spider: titles are
text or absent, links are strings normalised to the one escaped form Scrapy requests, dates are
aware datetimes; nothing later assumes."""

from __future__ import annotations

import json
import logging
import time
from datetime import UTC, datetime

import feedparser
import pytest

from mediamon.world.bounded import ODD_TITLES
from scrapers.spiders.entries import datetime_of_struct, normalized_url, text_value
from scrapers.spiders.feeds import entry_of
from scrapers.spiders.jsonfeed import json_feed_entries
from scrapers.spiders.sitemapxml import read_sitemap

FEED_URL = "http://x.org/feeds/main.json"


def json_feed(*items: object) -> bytes:
    return json.dumps({"version": "https://jsonfeed.org/version/1.1", "items": items}).encode()


def test_json_feed_titles_of_every_type_become_text_or_are_dropped_with_one_warning_each(
    caplog: pytest.LogCaptureFixture,
) -> None:
    items = [{"url": f"/a/{n}", "title": title} for n, title in enumerate(ODD_TITLES)]
    with caplog.at_level(logging.WARNING):
        entries = json_feed_entries(json_feed(*items), FEED_URL).entries
    assert [entry.title for entry in entries] == [
        "A title",
        "12345",
        "3.5",
        None,
        None,
        None,
        None,
        None,
    ]
    assert [entry.link for entry in entries] == [f"http://x.org/a/{n}" for n in range(8)]
    dropped = [r.getMessage() for r in caplog.records if "dropped a title" in r.getMessage()]
    assert len(dropped) == 4, dropped  # true, false, a list, an object; null is just absent
    assert all(FEED_URL in message for message in dropped)


@pytest.mark.parametrize("link", [42, 4.2, True, None, [], ["/a"], {"url": "/a"}, "", "  "])
def test_json_feed_links_that_are_not_strings_are_skipped(link: object) -> None:
    body = json_feed({"url": link, "title": "x"}, {"url": "/ok", "title": "y"})
    assert [e.link for e in json_feed_entries(body, FEED_URL).entries] == ["http://x.org/ok"]


@pytest.mark.parametrize(
    "body",
    [b"[]", b'{"version": 3}', b'{"version": "https://jsonfeed.org/version/1", "items": {}}'],
)
def test_json_feed_of_the_wrong_shape_has_no_entries(body: bytes) -> None:
    assert json_feed_entries(body, FEED_URL).entries == []


def test_json_feed_dates_that_are_not_strings_are_absent() -> None:
    body = json_feed(
        {"url": "/a", "date_published": 1684768800},
        {"url": "/b", "date_published": "2023-05-22T15:20:00Z"},
    )
    first, second = json_feed_entries(body, FEED_URL).entries
    assert first.published is None
    assert second.published == datetime(2023, 5, 22, 15, 20, tzinfo=UTC)


def test_json_feed_is_capped_and_the_excess_counted() -> None:
    body = json_feed(*({"url": f"/a/{n}"} for n in range(1000)))
    feed = json_feed_entries(body, FEED_URL, limit=10)
    assert len(feed.entries) == 10 and feed.excess == 990


def test_rss_entry_values_are_checked() -> None:
    parsed = feedparser.parse(
        b"<rss><channel><item><title>  Raid  </title><link> /a b#top </link>"
        b"<pubDate>Mon, 22 May 2023 10:00:00 GMT</pubDate></item>"
        b"<item><title>No link</title></item></channel></rss>"
    )
    first, second = (entry_of(item, "http://x.org/rss") for item in parsed.entries)
    assert first is not None and second is None
    assert (first.link, first.title) == ("http://x.org/a%20b", "Raid")
    assert first.published == datetime(2023, 5, 22, 10, 0, tzinfo=UTC)


def test_entry_of_tolerates_odd_values_from_a_parser() -> None:
    odd = {"link": ["x"], "id": 7, "title": {"a": 1}, "published_parsed": "yesterday"}
    assert entry_of(odd, "http://x.org/rss") is None
    entry = entry_of({"id": "/b", "title": 5, "updated_parsed": (2023,)}, "http://x.org/rss")
    assert entry is not None and (entry.link, entry.title, entry.published) == (
        "http://x.org/b",
        "5",
        None,
    )
    assert datetime_of_struct(time.gmtime(0)) == datetime(1970, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        (
            "http://x.org/новости/a b?q=é#frag",
            "http://x.org/%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8/a%20b?q=%C3%A9",
        ),
        ("http://x.org/a%20b", "http://x.org/a%20b"),
        ("/rel/path", "http://x.org/rel/path"),
    ],
)
def test_links_are_normalised_to_the_form_scrapy_requests(raw: str, normal: str) -> None:
    from scrapy import Request

    assert normalized_url(raw, "http://x.org/feed") == normal
    assert Request(normalized_url(raw, "http://x.org/feed") or "").url == normal


def test_sitemap_links_are_normalised() -> None:
    body = (
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>'
        "http://x.org/статья 1#x</loc></url><url><loc></loc></url></urlset>"
    ).encode()
    [entry] = read_sitemap(body, 10**6, "http://x.org/sitemap.xml").entries
    assert entry.link == "http://x.org/%D1%81%D1%82%D0%B0%D1%82%D1%8C%D1%8F%201"


def test_text_value() -> None:
    assert text_value(" x ", "title", "s") == "x"
    assert text_value("  ", "title", "s") is None
    assert text_value(0, "title", "s") == "0"
    assert text_value(False, "title", "s") is None
