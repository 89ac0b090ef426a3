"""An outlet's routes: its rendered pages and feeds as HTTP resources."""

from __future__ import annotations

from collections.abc import Iterable

from mediamon.world.discovery import discovery_routes
from mediamon.world.model import Article
from mediamon.world.publish import Outlet
from mediamon.world.render import (
    FEED_CONTENT_TYPE,
    last_modified,
    render_article,
    render_feed,
    render_homepage,
)
from mediamon.world.server import Resource, Route


def all_routes(outlet: Outlet) -> dict[str, Route]:
    return {**listing_routes(outlet), **article_routes(outlet, outlet.articles)}


def listing_routes(outlet: Outlet) -> dict[str, Route]:
    """The pages that change whenever the outlet publishes: homepage, feeds, sitemaps, archives."""
    listed = outlet.latest(outlet.spec.feed_size)
    routes: dict[str, Route] = {
        "/": Resource(render_homepage(outlet), _html_type(outlet), last_modified(listed)),
    }
    for feed in outlet.spec.feeds:
        content_type = f"{FEED_CONTENT_TYPE[feed.format]}; charset={outlet.encoding}"
        routes[feed.path] = Resource(render_feed(outlet, feed), content_type, last_modified(listed))
    routes.update(discovery_routes(outlet))
    return routes


def article_routes(outlet: Outlet, articles: Iterable[Article]) -> dict[str, Route]:
    return {
        article.path: Resource(
            render_article(outlet, article), _html_type(outlet), article.modified
        )
        for article in articles
    }


def _html_type(outlet: Outlet) -> str:
    return f"text/html; charset={outlet.encoding}"
