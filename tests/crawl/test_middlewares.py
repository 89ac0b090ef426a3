"""Downloader middlewares built from plain values, without a crawler."""

from __future__ import annotations

import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.test import get_crawler

from mediamon.core.config import load_config
from mediamon.core.db import open_database
from mediamon.crawl.feedstate import Validators, record_poll
from scrapers.middlewares import ConditionalGetMiddleware
from scrapers.urlguard import UrlGuardMiddleware
from scrapers.urlpolicy import UrlPolicy
from tests.support import PROJECT_CONFIG


@pytest.fixture
def guard() -> UrlGuardMiddleware:
    stats = get_crawler().stats
    assert stats is not None
    return UrlGuardMiddleware(UrlPolicy.from_config(load_config(PROJECT_CONFIG)), stats)


def request(url: str, **meta: object) -> Request:
    return Request(url, meta={"outlet_id": "bbc", **meta})


def test_guard_lets_the_outlets_own_subdomains_through(guard: UrlGuardMiddleware) -> None:
    assert guard.process_request(request("https://www.bbc.co.uk/news/world-65665465")) is None
    assert guard.process_request(request("https://feeds.bbci.co.uk/news/rss.xml")) is None


def test_guard_refuses_other_domains_and_counts_them(guard: UrlGuardMiddleware) -> None:
    with pytest.raises(IgnoreRequest, match="not on the domains of outlet bbc"):
        guard.process_request(request("https://bbc.co.uk.evil.example/news"))
    assert guard.stats.get_value("mediamon/refused/offsite") == 1


def test_guard_trusts_a_configured_url_but_not_where_it_redirects(
    guard: UrlGuardMiddleware,
) -> None:
    assert (
        guard.process_request(request("https://cdn.example/f.xml", configured_source=True)) is None
    )
    redirected = request("https://cdn.example/f.xml", configured_source=True, redirect_times=1)
    with pytest.raises(IgnoreRequest):
        guard.process_request(redirected)
    assert guard.stats.get_value("mediamon/hostile/offsite_redirect") == 1


def test_conditional_get_sends_the_stored_validators(database_url: str) -> None:
    engine = open_database(database_url)
    url = "https://tass.com/rss/v2.xml"
    record_poll(engine, url, "tass", 200, Validators('"abc"', "Tue, 23 May 2023 10:00:00 GMT"))
    middleware = ConditionalGetMiddleware(engine)
    feed = Request(url, meta={"conditional_get": True})
    middleware.process_request(feed)
    assert feed.headers[b"If-None-Match"] == b'"abc"'
    assert feed.headers[b"If-Modified-Since"] == b"Tue, 23 May 2023 10:00:00 GMT"
    article = Request("https://tass.com/politics/1")
    middleware.process_request(article)
    assert b"If-None-Match" not in article.headers


def test_a_failed_poll_keeps_the_previous_validators(database_url: str) -> None:
    engine = open_database(database_url)
    url = "https://tass.com/rss/v2.xml"
    record_poll(engine, url, "tass", 200, Validators('"abc"', None))
    record_poll(engine, url, "tass", 503, None)
    middleware = ConditionalGetMiddleware(engine)
    feed = Request(url, meta={"conditional_get": True})
    middleware.process_request(feed)
    assert feed.headers[b"If-None-Match"] == b'"abc"'
