"""Suggest an outlets.yaml entry for a new outlet from its homepage and robots.txt.

Fetching is a few plain synchronous requests (robots.txt, the homepage, a handful of probes)
with the configured User-Agent, a timeout and a size cap: for one site, once, by hand, starting
Scrapy's reactor would cost more than the requests themselves. robots.txt is obeyed.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser
import lxml.html
from protego import Protego

from mediamon.crawl.article_pattern import PatternSuggestion, suggest_article_pattern
from mediamon.crawl.transliteration import to_latin

FEED_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/feed+json"}
)
COMMON_FEED_PATHS = ("/rss", "/feed", "/rss.xml", "/feed.xml", "/atom.xml", "/index.xml")
COMMON_SITEMAP_PATHS = ("/sitemap.xml", "/sitemap_news.xml")
SITEMAP_ROOT = re.compile(rb"<(?:\w+:)?(?:urlset|sitemapindex)\b")
TITLE_SEPARATOR = re.compile(r"\s+[-|–—:]\s+")
NOT_SLUG = re.compile(r"[^a-z0-9]+")
FALLBACK_ID = "outlet"
MAX_FEEDS_READ = 3


class DiscoveryError(Exception):
    pass


@dataclass(frozen=True)
class Fetcher:
    user_agent: str
    timeout: float
    max_bytes: int

    def get(self, url: str) -> bytes | None:
        """The body of a 200 answer, or None (error, timeout, too large, not http)."""
        if urlsplit(url).scheme not in ("http", "https"):
            return None
        request = urllib.request.Request(url, headers={"User-Agent": self.user_agent})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                body: bytes = response.read(self.max_bytes + 1)
        except (urllib.error.URLError, TimeoutError, OSError, ValueError):
            return None
        return body if len(body) <= self.max_bytes else None


@dataclass
class Suggestion:
    homepage: str
    name: str
    languages: list[str]
    feeds: list[str] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    article_urls: PatternSuggestion | None = None
    notes: list[str] = field(default_factory=list)

    def outlet_entry(self, taken_ids: Collection[str] = ()) -> dict[str, Any]:
        """The outlets.yaml entry, its id unlike any of ``taken_ids`` (the configured outlets')."""
        language = self.languages[0] if self.languages else None
        entry: dict[str, Any] = {
            "id": unique_id(outlet_id(self.homepage, self.name, language), taken_ids),
            "name": self.name,
            "homepage": self.homepage,
            "languages": self.languages,
            "feeds": self.feeds,
            "sitemaps": self.sitemaps,
        }
        if self.article_urls:
            entry["article_urls"] = self.article_urls.pattern
        return entry | {"labels": []}


def discover(url: str, fetcher: Fetcher) -> Suggestion:
    root = urljoin(url, "/")
    robots = Protego.parse(
        (fetcher.get(urljoin(root, "/robots.txt")) or b"").decode("utf-8", "replace")
    )

    def allowed_get(target: str) -> bytes | None:
        return fetcher.get(target) if robots.can_fetch(target, fetcher.user_agent) else None

    page = allowed_get(url)
    if page is None:
        raise DiscoveryError(
            f"could not fetch {url} (unreachable, refused by robots.txt or too large)"
        )
    suggestion = read_homepage(url, page)
    suggestion.feeds = linked_feeds(url, page) or probe(
        root, COMMON_FEED_PATHS, allowed_get, is_feed
    )
    suggestion.sitemaps = list(robots.sitemaps) or probe(
        root, COMMON_SITEMAP_PATHS, allowed_get, is_sitemap
    )
    links = own_links(url, feed_links(suggestion.feeds[:MAX_FEEDS_READ], allowed_get))
    suggestion.article_urls = suggest_article_pattern(links, url)
    return suggestion


def feed_links(feeds: list[str], get: Callable[[str], bytes | None]) -> list[str]:
    """The entry links of the feeds (RSS, RDF, Atom, JSON Feed), in feed order, once each."""
    found: list[str] = []
    for feed in feeds:
        body = get(feed)
        if body is not None:
            found += [urljoin(feed, link) for link in entry_links(body)]
    return list(dict.fromkeys(found))


def entry_links(body: bytes) -> list[str]:
    if body.lstrip().startswith(b"{"):
        try:
            items = json.loads(body).get("items", [])
        except (ValueError, AttributeError):
            return []
        return [
            item["url"]
            for item in items
            if isinstance(item, dict) and isinstance(item.get("url"), str)
        ]
    links = (entry.get("link") for entry in feedparser.parse(body).entries)
    return [link for link in links if isinstance(link, str)]


def own_links(homepage: str, links: list[str]) -> list[str]:
    """The http(s) links on the homepage's site (its host without ``www.``, subdomains too)."""
    site = (urlsplit(homepage).hostname or "").removeprefix("www.")
    return [
        link
        for link in links
        if urlsplit(link).scheme in ("http", "https")
        and ((host := urlsplit(link).hostname or "") == site or host.endswith("." + site))
    ]


def read_homepage(url: str, page: bytes) -> Suggestion:
    document = lxml.html.document_fromstring(page)
    title = (document.findtext(".//title") or "").strip()
    name = TITLE_SEPARATOR.split(title)[0] if title else urlsplit(url).hostname or url
    lang = (document.get("lang") or "").split("-")[0].lower()
    return Suggestion(homepage=url, name=name, languages=[lang] if lang else [])


def linked_feeds(url: str, page: bytes) -> list[str]:
    """Feeds the page announces with ``<link rel="alternate" type="...">``, in page order."""
    document = lxml.html.document_fromstring(page)
    links = document.xpath("//link[contains(concat(' ', @rel, ' '), ' alternate ')][@href]")
    found = [urljoin(url, link.get("href")) for link in links if link.get("type") in FEED_TYPES]
    return list(dict.fromkeys(found))


def probe(
    root: str,
    paths: tuple[str, ...],
    get: Callable[[str], bytes | None],
    accepts: Callable[[bytes], bool],
) -> list[str]:
    found = []
    for path in paths:
        body = get(urljoin(root, path))
        if body is not None and accepts(body):
            found.append(urljoin(root, path))
    return found


def is_feed(body: bytes) -> bool:
    if body.lstrip().startswith(b"{"):
        return b"jsonfeed.org" in body[:500]
    return bool(feedparser.parse(body).entries)


def is_sitemap(body: bytes) -> bool:
    return body.startswith(b"\x1f\x8b") or SITEMAP_ROOT.search(body[:2000]) is not None


def outlet_id(homepage: str, name: str, language: str | None = None) -> str:
    """A slug from the host (``www.meduza.io`` -> ``meduza``), or from the name for an IP host;
    either in Latin letters (``Вести-Агентство`` -> ``vesti-agentstvo``)."""
    host = _unicode_host(urlsplit(homepage).hostname or "").removeprefix("www.")
    if host and not host.replace(".", "").isdigit():
        return slug(host.rsplit(".", 1)[0], language) or FALLBACK_ID
    return slug(name, language) or FALLBACK_ID


def slug(text: str, language: str | None) -> str:
    return NOT_SLUG.sub("-", to_latin(text, language)).strip("-")


def unique_id(wanted: str, taken_ids: Collection[str]) -> str:
    """``wanted``, or ``wanted-2``, ``wanted-3``... if an outlet already has it."""
    candidate, number = wanted, 1
    while candidate in taken_ids:
        number += 1
        candidate = f"{wanted}-{number}"
    return candidate


def _unicode_host(host: str) -> str:
    """An internationalised host as written (``xn--b1aew.xn--p1ai`` -> ``мвд.рф``)."""
    try:
        return host.encode("ascii").decode("idna")
    except UnicodeError:
        return host
