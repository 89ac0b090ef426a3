"""Render an outlet's pages and feeds to bytes in the outlet's encoding.

Rendering is a pure function of the outlet's state, so a page is byte-identical on every request
and its ETag is stable.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

from jinja2 import DictLoader, Environment, StrictUndefined

from mediamon.world.model import Article, Block, Chrome, FeedFormat, FeedSpec
from mediamon.world.publish import Outlet
from mediamon.world.templates import TEMPLATES

FEED_MIME: dict[FeedFormat, str] = {
    "rss2": "application/rss+xml",
    "atom": "application/atom+xml",
    "rdf": "application/rss+xml",
}
FEED_TEMPLATE: dict[FeedFormat, str] = {"rss2": "rss2.xml", "atom": "atom.xml", "rdf": "rdf.xml"}
# Served Content-Type of feeds; rdf+xml is what RDF feeds are usually served as.
FEED_CONTENT_TYPE: dict[FeedFormat, str] = {
    "rss2": "application/rss+xml",
    "atom": "application/atom+xml",
    "rdf": "application/rdf+xml",
}
EPOCH = datetime(2023, 5, 1, tzinfo=UTC)


def rfc822(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC), usegmt=True)


ENVIRONMENT = Environment(
    loader=DictLoader(TEMPLATES),
    autoescape=True,
    undefined=StrictUndefined,
    keep_trailing_newline=True,
)
ENVIRONMENT.filters["rfc822"] = rfc822


@dataclass(frozen=True)
class Link:
    url: str
    title: str


@dataclass(frozen=True)
class FeedLink:
    url: str
    title: str
    mime: str


def last_modified(articles: list[Article]) -> datetime:
    """When a listing last changed: its newest article's publication or edit time."""
    return max((a.modified for a in articles), default=EPOCH)


def render_article(outlet: Outlet, article: Article) -> bytes:
    middle = outlet.spec.middle_after
    related = [Link(url, _title_of(outlet, url)) for url in article.related_urls]
    html = ENVIRONMENT.get_template("article.html").render(
        **_common(outlet),
        article=article,
        blocks=_blocks_by_position(outlet.spec.blocks),
        body_before=article.body[:middle],
        body_after=article.body[middle:],
        related=related,
        most_read=related,
        published_display=article.published.strftime(outlet.spec.chrome.date_format),
    )
    return html.encode(outlet.encoding)


def render_homepage(outlet: Outlet) -> bytes:
    html = ENVIRONMENT.get_template("homepage.html").render(
        **_common(outlet), articles=outlet.latest(outlet.spec.feed_size), most_read=[]
    )
    return html.encode(outlet.encoding)


def render_feed(outlet: Outlet, feed: FeedSpec) -> bytes:
    articles = outlet.latest(outlet.spec.feed_size)
    xml = ENVIRONMENT.get_template(FEED_TEMPLATE[feed.format]).render(
        outlet=outlet,
        feed=feed,
        feed_url=outlet.base_url + feed.path,
        articles=articles,
        updated=last_modified(articles),
        encoding=outlet.encoding,
    )
    return xml.encode(outlet.encoding)


def render_robots(outlet: Outlet) -> bytes:
    return b"User-agent: *\nAllow: /\n"


def _common(outlet: Outlet) -> dict[str, Any]:
    return {
        "outlet": outlet,
        "chrome": _localised_chrome(outlet.spec.chrome, outlet.name),
        "feeds": [
            FeedLink(outlet.base_url + feed.path, feed.title, FEED_MIME[feed.format])
            for feed in outlet.spec.feeds
        ],
    }


def _localised_chrome(chrome: Chrome, outlet_name: str) -> dict[str, Any]:
    values: dict[str, Any] = dict(vars(chrome))
    for key, value in values.items():
        if isinstance(value, str):
            values[key] = value.format(name=outlet_name)
        elif isinstance(value, tuple):
            values[key] = tuple(item.format(name=outlet_name) for item in value)
    return values


def _blocks_by_position(blocks: tuple[Block, ...]) -> dict[str, list[Block]]:
    grouped: dict[str, list[Block]] = {"top": [], "middle": [], "end": []}
    for block in blocks:
        grouped[block.position].append(block)
    return grouped


def _title_of(outlet: Outlet, url: str) -> str:
    return next(a.title for a in outlet.articles if a.url == url)
