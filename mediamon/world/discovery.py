"""Discovery pages of the outlet world: robots.txt Sitemap lines, a sitemap index, a gzipped
monthly sitemap, a Google News sitemap, a JSON Feed, and paged section and daily archive pages.

Every article is listed in its month's sitemap and on its day's archive (by UTC date), so a
backfill of any date window can find exactly the articles published in it.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta
from itertools import groupby
from xml.sax.saxutils import escape

from mediamon.world.model import Article
from mediamon.world.publish import Outlet
from mediamon.world.render import EPOCH, last_modified
from mediamon.world.server import Resource, Route

ARCHIVE_PAGE_SIZE = 1
NEWS_SITEMAP_WINDOW = timedelta(days=2)
SITEMAP_INDEX = "/sitemap_index.xml"
NEWS_SITEMAP = "/sitemaps/news.xml"
JSON_FEED = "/feed.json"
ARCHIVE_TEMPLATE = "/archive/{yyyy}/{mm}/{dd}"
SITEMAP_NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>'
NEWS_NS = 'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"'


def discovery_routes(outlet: Outlet) -> dict[str, Route]:
    articles = outlet.latest()
    changed = last_modified(articles)
    routes: dict[str, Route] = {
        "/robots.txt": Resource(robots_txt(outlet), "text/plain; charset=utf-8", EPOCH),
        SITEMAP_INDEX: Resource(sitemap_index(outlet, articles), "application/xml", changed),
        NEWS_SITEMAP: Resource(news_sitemap(outlet, articles), "application/xml", changed),
        JSON_FEED: Resource(json_feed(outlet, articles), "application/feed+json", changed),
    }
    for month, in_month in _by(articles, _month_of):
        body = gzip.compress(urlset(in_month), mtime=0)
        routes[f"/sitemaps/{month}.xml.gz"] = Resource(body, "application/x-gzip", changed)
    routes.update(archive_routes(outlet, articles))
    routes.update(section_routes(outlet, articles))
    return routes


def robots_txt(outlet: Outlet) -> bytes:
    lines = ["User-agent: *", "Allow: /", "", f"Sitemap: {outlet.base_url}{SITEMAP_INDEX}"]
    return ("\n".join(lines) + "\n").encode()


def sitemap_index(outlet: Outlet, articles: list[Article]) -> bytes:
    months = sorted({_month_of(a) for a in articles})
    locations = [f"{outlet.base_url}/sitemaps/{month}.xml.gz" for month in months]
    locations.append(outlet.base_url + NEWS_SITEMAP)
    items = "".join(f"<sitemap><loc>{escape(loc)}</loc></sitemap>" for loc in locations)
    return f"{XML_DECLARATION}<sitemapindex {SITEMAP_NS}>{items}</sitemapindex>".encode()


def urlset(articles: Iterable[Article]) -> bytes:
    items = "".join(
        f"<url><loc>{escape(a.url)}</loc><lastmod>{_iso(a.modified)}</lastmod></url>"
        for a in articles
    )
    return f"{XML_DECLARATION}<urlset {SITEMAP_NS}>{items}</urlset>".encode()


def news_sitemap(outlet: Outlet, articles: list[Article]) -> bytes:
    newest = max((a.published for a in articles), default=EPOCH)
    recent = [a for a in articles if a.published >= newest - NEWS_SITEMAP_WINDOW]
    items = "".join(_news_entry(outlet, a) for a in recent)
    return (f"{XML_DECLARATION}<urlset {SITEMAP_NS} {NEWS_NS}>{items}</urlset>").encode()


def _news_entry(outlet: Outlet, article: Article) -> str:
    return (
        f"<url><loc>{escape(article.url)}</loc><lastmod>{_iso(article.modified)}</lastmod>"
        "<news:news><news:publication>"
        f"<news:name>{escape(outlet.name)}</news:name>"
        f"<news:language>{outlet.language}</news:language></news:publication>"
        f"<news:publication_date>{_iso(article.published)}</news:publication_date>"
        f"<news:title>{escape(article.title)}</news:title>"
        f"<news:keywords>{escape(', '.join(sorted(article.topics)))}</news:keywords>"
        "</news:news></url>"
    )


def json_feed(outlet: Outlet, articles: list[Article]) -> bytes:
    items = [_json_feed_item(a) for a in articles[: outlet.spec.feed_size]]
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": outlet.name,
        "home_page_url": outlet.homepage_url,
        "feed_url": outlet.base_url + JSON_FEED,
        "items": items,
    }
    return json.dumps(document, ensure_ascii=False).encode()


def _json_feed_item(article: Article) -> dict[str, str]:
    item = {
        "id": article.url,
        "url": article.url,
        "title": article.title,
        "date_published": _iso(article.published),
    }
    if article.updated is not None:
        item["date_modified"] = _iso(article.updated)
    return item


def archive_url(outlet: Outlet, day: date) -> str:
    path = ARCHIVE_TEMPLATE.format(yyyy=f"{day:%Y}", mm=f"{day:%m}", dd=f"{day:%d}")
    return outlet.base_url + path


def archive_routes(outlet: Outlet, articles: list[Article]) -> dict[str, Route]:
    routes: dict[str, Route] = {}
    for day, on_day in _by(articles, _day_of):
        path = archive_url(outlet, date.fromisoformat(day)).removeprefix(outlet.base_url)
        routes.update(paged_listing(outlet, path, f"Archive {day}", on_day))
    return routes


def section_routes(outlet: Outlet, articles: list[Article]) -> dict[str, Route]:
    routes: dict[str, Route] = {}
    for section, in_section in _by(articles, lambda a: a.section):
        path = f"/sections/{section}"
        routes.update(paged_listing(outlet, path, f"Section {section}", in_section))
    return routes


def paged_listing(
    outlet: Outlet, path: str, heading: str, articles: list[Article]
) -> dict[str, Route]:
    """``path``, ``path?page=2``...: a few articles each, linked by rel=next, among noise links."""
    size = ARCHIVE_PAGE_SIZE
    pages = [articles[i : i + size] for i in range(0, len(articles), size)]
    routes: dict[str, Route] = {}
    for number, page in enumerate(pages, start=1):
        key = path if number == 1 else f"{path}?page={number}"
        next_url = f"{path}?page={number + 1}" if number < len(pages) else None
        body = _listing_html(outlet, heading, page, next_url)
        routes[key] = Resource(body, f"text/html; charset={outlet.encoding}", last_modified(page))
    return routes


def _listing_html(
    outlet: Outlet, heading: str, articles: list[Article], next_url: str | None
) -> bytes:
    links = "".join(f'<li><a href="{escape(a.url)}">{escape(a.title)}</a></li>' for a in articles)
    pager = f'<a rel="next" href="{escape(next_url)}">Next</a>' if next_url else ""
    html = (
        f'<!DOCTYPE html><html><head><meta charset="{outlet.encoding}"><title>{escape(heading)}'
        f'</title></head><body><nav><a href="/">Home</a> <a href="/contribute">Support us</a> '
        f'<a href="/about">About</a></nav><h1>{escape(heading)}</h1><ul>{links}</ul>{pager}'
        "</body></html>"
    )
    return html.encode(outlet.encoding, errors="xmlcharrefreplace")


def _by(
    articles: Iterable[Article], key: Callable[[Article], str]
) -> list[tuple[str, list[Article]]]:
    ordered = sorted(articles, key=lambda a: (key(a), a.published, a.url))
    return [(k, list(group)) for k, group in groupby(ordered, key=key)]


def _month_of(article: Article) -> str:
    return f"{article.published.astimezone(UTC):%Y-%m}"


def _day_of(article: Article) -> str:
    return f"{article.published.astimezone(UTC):%Y-%m-%d}"


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")
