"""The local outlet world: feeds, conditional GET, charsets, ground truth, request log, config."""

from __future__ import annotations

import calendar
import html
import http.client
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import Message
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import pytest
import yaml

from mediamon.core.config_models import OutletsFile
from mediamon.world import Article, Outlet, OutletWorld

BELGOROD_WORDS = re.compile(r"belgorod|белгород|бєлгород|graivoron|грайворон", re.IGNORECASE)
FEED_VERSIONS = {"rss2": "rss20", "atom": "atom10", "rdf": "rss10"}


@dataclass(frozen=True)
class Fetched:
    status: int
    headers: Message
    body: bytes


def fetch(url: str, headers: dict[str, str] | None = None, method: str = "GET") -> Fetched:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=5)
    try:
        connection.request(method, parts.path or "/", headers=headers or {})
        response = connection.getresponse()
        return Fetched(response.status, response.headers, response.read())
    finally:
        connection.close()


@pytest.fixture(scope="module")
def world() -> Iterator[OutletWorld]:
    with OutletWorld() as running:
        yield running


def outlet_with_feed_format(world: OutletWorld, feed_format: str) -> Outlet:
    return next(o for o in world.outlets if o.spec.feeds[0].format == feed_format)


def test_each_outlet_has_its_own_loopback_host(world: OutletWorld) -> None:
    hosts = [outlet.host for outlet in world.outlets]
    assert len(set(hosts)) == len(hosts) >= 4
    assert all(host.startswith("127.") for host in hosts)
    assert {outlet.language for outlet in world.outlets} >= {"en", "ru", "uk"}


@pytest.mark.parametrize("feed_format", ["rss2", "atom", "rdf"])
def test_feed_parses_with_every_article(world: OutletWorld, feed_format: str) -> None:
    outlet = outlet_with_feed_format(world, feed_format)
    response = fetch(outlet.feed_urls[0])
    parsed = feedparser.parse(response.body)
    assert response.status == 200
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == FEED_VERSIONS[feed_format]
    expected = {article.url: article for article in outlet.articles}
    assert expected
    assert {entry.link for entry in parsed.entries} == set(expected)
    for entry in parsed.entries:
        article = expected[entry.link]
        assert entry.title == article.title
        # feedparser files RDF's dc:date under "updated", as spiders must know
        struct = entry.get("published_parsed") or entry.updated_parsed
        published = datetime.fromtimestamp(calendar.timegm(struct), UTC)
        assert published == article.published.astimezone(UTC)


@pytest.mark.parametrize("validator", ["ETag", "Last-Modified"])
def test_conditional_get_of_unchanged_feed_answers_304(world: OutletWorld, validator: str) -> None:
    feed_url = world.outlets[0].feed_urls[0]
    first = fetch(feed_url)
    condition = "If-None-Match" if validator == "ETag" else "If-Modified-Since"
    second = fetch(feed_url, {condition: first.headers[validator]})
    assert first.status == 200 and first.body
    assert second.status == 304
    assert second.body == b""
    assert second.headers["ETag"] == first.headers["ETag"]


def test_stale_etag_gets_the_full_feed(world: OutletWorld) -> None:
    feed_url = world.outlets[0].feed_urls[0]
    response = fetch(
        feed_url, {"If-None-Match": '"stale"', "If-Modified-Since": "Mon, 01 Jan 2035"}
    )
    assert response.status == 200 and response.body


def test_pages_are_byte_identical_across_requests(world: OutletWorld) -> None:
    url = world.articles[0].url
    first, second = fetch(url), fetch(url)
    assert first.body == second.body
    assert first.headers["ETag"] == second.headers["ETag"]


def test_windows_1251_page_decodes_with_its_declared_charset(world: OutletWorld) -> None:
    article = next(a for a in world.articles if a.encoding == "windows-1251")
    response = fetch(article.url)
    assert response.headers.get_content_charset() == "windows-1251"
    assert b'<meta charset="windows-1251">' in response.body
    with pytest.raises(UnicodeDecodeError):
        response.body.decode("utf-8")
    page = response.body.decode("windows-1251")
    assert re.search(r"[а-яА-Я]{4}", article.title)
    page = html.unescape(page)
    assert f"<h1>{article.title}</h1>" in page
    assert all(paragraph in page for paragraph in article.body)


def test_windows_1251_feed_gives_cyrillic_titles(world: OutletWorld) -> None:
    outlet = next(o for o in world.outlets if o.encoding == "windows-1251")
    response = fetch(outlet.feed_urls[0])
    parsed = feedparser.parse(response.body)
    assert response.headers.get_content_charset() == "windows-1251"
    assert parsed.encoding.lower() in {"windows-1251", "cp1251"}
    assert {entry.title for entry in parsed.entries} == {a.title for a in outlet.articles}


@pytest.mark.parametrize(
    "pattern",
    [
        r'<html lang="{language}">',
        r"<title>{title} - ",
        r'<meta property="og:title" content="{title}">',
        r'<link rel="canonical" href="{url}">',
        r'<meta property="article:published_time" content="{published}">',
        r'<meta name="author" content="{author}">',
    ],
)
def test_article_pages_carry_metadata(world: OutletWorld, pattern: str) -> None:
    assert world.articles
    for article in world.articles:
        page = html.unescape(fetch(article.url).body.decode(article.encoding))
        expected = pattern.format(
            language=article.language,
            title=article.title,
            url=article.url,
            published=article.published.isoformat(),
            author=article.author,
        )
        assert expected in page, (article.url, expected)


def test_every_boilerplate_string_is_served_and_apart_from_the_body(world: OutletWorld) -> None:
    assert world.articles
    for article in world.articles:
        page = html.unescape(fetch(article.url).body.decode(article.encoding))
        assert all(paragraph in page for paragraph in article.body)
        assert all(text in page for text in article.boilerplate), article.url
        assert not [b for b in article.boilerplate if b in article.text], article.url


def test_moscow_monitor_carries_the_seed_appeal(world: OutletWorld) -> None:
    article = world.outlet("moscowmonitor").articles[0]
    for text in ("Support Moscow Monitor!", "Dear readers,", "Remind me later.", "Read more"):
        assert text in article.boilerplate


def test_ground_truth_is_realistic(world: OutletWorld) -> None:
    belgorod = [a for a in world.articles if a.about_belgorod]
    assert {a.outlet_id for a in belgorod} >= {"moscowmonitor", "vestiagency", "khvylia"}
    assert {a.language for a in belgorod} == {"en", "ru", "uk"}
    assert all(BELGOROD_WORDS.search(a.title + a.text) for a in belgorod)
    assert not [
        a.url for a in world.articles if not a.about_belgorod and BELGOROD_WORDS.search(a.text)
    ]
    assert world.articles
    for article in world.articles:
        assert article.published.tzinfo is not None
        assert (article.published.year, article.published.month) == (2023, 5)
        assert len(article.body) >= 5


def test_homepage_links_feeds_and_robots_allows_everything(world: OutletWorld) -> None:
    assert world.outlets
    for outlet in world.outlets:
        page = fetch(outlet.homepage_url).body.decode(outlet.encoding)
        assert re.search(r'<link rel="alternate" type="application/(rss|atom)\+xml"', page)
        assert all(f'href="{url}"' in page for url in outlet.feed_urls)
        assert all(f'href="{article.url}"' in page for article in outlet.articles)
        robots = fetch(outlet.base_url + "/robots.txt")
        assert robots.status == 200 and b"Allow: /" in robots.body


def test_request_log_records_requests_and_clears(world: OutletWorld) -> None:
    world.clear_requests()
    outlet = world.outlets[1]
    fetch(outlet.feed_urls[0], {"User-Agent": "world-test"})
    fetch(outlet.base_url + "/no-such-page", method="HEAD")
    feed_request, missing = world.requests
    assert (feed_request.method, feed_request.status) == ("GET", 200)
    assert feed_request.host == outlet.host
    assert feed_request.url == outlet.feed_urls[0]
    assert feed_request.outlet_id == outlet.id
    assert feed_request.header("user-agent") == "world-test"
    assert feed_request.bytes_sent > feed_request.body_bytes > 0
    assert (missing.method, missing.status, missing.body_bytes) == ("HEAD", 404, 0)
    world.clear_requests()
    assert world.requests == []


def test_new_article_changes_feed_validators_only() -> None:
    with OutletWorld() as world:
        outlet = world.outlet("khvylia")
        feed_before = fetch(outlet.feed_urls[0])
        old_page = fetch(outlet.articles[0].url)
        added = world.add_article(
            "khvylia", title="Нова новина", paragraphs=["Перший абзац.", "Другий абзац."]
        )
        feed_after = fetch(outlet.feed_urls[0], {"If-None-Match": feed_before.headers["ETag"]})
        assert feed_after.status == 200
        assert feed_after.headers["Last-Modified"] != feed_before.headers["Last-Modified"]
        assert added.url in {entry.link for entry in feedparser.parse(feed_after.body).entries}
        assert fetch(added.url).status == 200
        assert fetch(outlet.articles[0].url).body == old_page.body
        assert added in world.articles


def test_write_config_validates(world: OutletWorld, tmp_path: Path) -> None:
    directory = world.write_config(tmp_path / "config")
    document = yaml.safe_load((directory / "outlets.yaml").read_text(encoding="utf-8"))
    outlets = OutletsFile.model_validate(document).resolved_outlets()
    assert outlets and [o.id for o in outlets] == [o.id for o in world.outlets]
    for configured, served in zip(outlets, world.outlets, strict=True):
        assert configured.feeds == served.feed_urls
        assert configured.download_delay == 0 and configured.concurrency == 8
        assert all(
            configured.owns(a.url) and configured.is_article_url(a.url) for a in served.articles
        )
        others = [o.homepage_url for o in world.outlets if o is not served]
        assert not any(configured.owns(url) for url in others)
    assert (directory / "topics.yaml").is_file() and (directory / "settings.yaml").is_file()


def test_write_config_loads_as_a_whole(world: OutletWorld, tmp_path: Path) -> None:
    from mediamon.core.config import load_config

    config = load_config(world.write_config(tmp_path))
    assert len(config.outlets) == len(world.outlets)
    assert [t.id for t in config.topics] == ["belgorod-incursion"]


def test_articles_of_an_outlet_are_its_own(world: OutletWorld) -> None:
    assert world.outlets
    for outlet in world.outlets:
        assert outlet.articles
        assert all(isinstance(a, Article) and a.outlet_id == outlet.id for a in outlet.articles)
        assert all(a.url.startswith(outlet.base_url + "/") for a in outlet.articles)
