"""Opt-in listings that try to make a crawler work without end, for one outlet of the world.

``add_bounded_routes(world, outlet_id)`` serves them and returns their URLs by case name:

- ``self-index``: a sitemap index listing itself; ``cycle-a``/``cycle-b``: two listing each
  other; ``chain-0`` .. ``chain-N``: indexes each listing the next, deeper than any real outlet.
- ``link-farm``: a section page of 5,000 distinct links.
- ``huge-feed``: an RSS feed of 100,000 entries (under 10 MB) linking to pages that do not exist.
- ``odd-json``: a JSON Feed whose titles are every JSON type (string, number, true, false,
  null, list, object) and whose links include a number and a list; each string link is an
  article page.
- ``escaped-feed``: an RSS feed that never answers 304, listing ``escaped-article``, whose link
  needs percent-escaping (a space and Cyrillic letters in its path).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote
from xml.sax.saxutils import escape

from mediamon.world.server import Resource, Response, Route

if TYPE_CHECKING:
    from mediamon.world import OutletWorld

ODD_TITLES: tuple[object, ...] = ("A title", 12345, 3.5, True, False, None, [], {"a": 1})
"""The titles of the odd JSON Feed's articles, one per article page, in order."""
ODD_LINKS: tuple[object, ...] = (42, ["/bounded/article-x"], {"url": "/x"})
"""Links of further odd items, none a string: each item is skipped."""
ESCAPED_PATH = "/bounded/статья номер 1"
PARAGRAPHS = (
    "Officials in the Belgorod region said an armed group had crossed the border overnight, "
    "and residents of several villages were moved to safer towns while fighting went on.",
    "The regional governor described the situation as difficult but under control, and "
    "said that schools in the district would stay closed until the end of the week.",
    "Analysts said the raid exposed gaps in the border defences that had been reported for "
    "months, and that further incursions could not be ruled out in the coming days.",
)


@dataclass(frozen=True)
class BoundedSettings:
    huge_feed_entries: int = 100_000
    chain_length: int = 8
    link_farm_links: int = 5_000


def add_bounded_routes(
    world: OutletWorld, outlet_id: str, settings: BoundedSettings | None = None
) -> dict[str, str]:
    """Serve the unbounded listings on ``outlet_id``; return their URLs by case name."""
    settings = settings or BoundedSettings()
    base = world.outlet(outlet_id).base_url
    routes = bounded_routes(base, settings)
    world.site(outlet_id).update_routes(routes)
    urls = {_case(path): base + path for path in routes if path != quote(ESCAPED_PATH)}
    urls["escaped-article"] = base + quote(ESCAPED_PATH)
    return urls


def _case(path: str) -> str:
    return path.removeprefix("/bounded/").rsplit(".", 1)[0]


def bounded_routes(base: str, settings: BoundedSettings) -> dict[str, Route]:
    return {
        **sitemap_routes(base, settings.chain_length),
        "/bounded/link-farm": Resource(link_farm(settings.link_farm_links), HTML),
        "/bounded/huge-feed.xml": Resource(huge_feed(base, settings.huge_feed_entries), RSS),
        "/bounded/odd-json.json": Resource(odd_json_feed(base), "application/feed+json"),
        **{f"/bounded/article-{n}": Resource(page(f"Article {n}", n), HTML) for n in ARTICLES},
        "/bounded/escaped-feed.xml": _always_full(escaped_feed(base)),
        quote(ESCAPED_PATH): Resource(page("Статья номер 1", 99), HTML),
    }


RSS = "application/rss+xml"
HTML = "text/html; charset=utf-8"
ARTICLES = range(len(ODD_TITLES))


def sitemap_routes(base: str, chain_length: int) -> dict[str, Route]:
    """A self-listing index, a cycle of two, and a chain of ``chain_length`` indexes."""
    routes: dict[str, Route] = {
        "/bounded/self-index.xml": _index(base, "/bounded/self-index.xml"),
        "/bounded/cycle-a.xml": _index(base, "/bounded/cycle-b.xml"),
        "/bounded/cycle-b.xml": _index(base, "/bounded/cycle-a.xml"),
    }
    for n in range(chain_length):
        routes[f"/bounded/chain-{n}.xml"] = _index(base, f"/bounded/chain-{n + 1}.xml")
    return routes


def _index(base: str, *paths: str) -> Resource:
    children = "".join(f"<sitemap><loc>{base}{path}</loc></sitemap>" for path in paths)
    body = (
        '<?xml version="1.0" encoding="UTF-8"?><sitemapindex '
        f'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{children}</sitemapindex>'
    )
    return Resource(body.encode(), "application/xml")


def huge_feed(base: str, entries: int) -> bytes:
    """An RSS feed of ``entries`` items, each a link only (about 60 bytes an item)."""
    items = "".join(f"<item><link>{base}/m/{n}</link></item>" for n in range(entries))
    return _rss(base, "Huge", items)


def link_farm(links: int) -> bytes:
    anchors = "".join(f'<li><a href="/m/{n}">{n}</a></li>' for n in range(links))
    return f"<!DOCTYPE html><html><body><ul>{anchors}</ul></body></html>".encode()


def odd_json_feed(base: str) -> bytes:
    items: list[dict[str, object]] = [
        {"id": str(n), "url": f"{base}/bounded/article-{n}", "title": title}
        for n, title in zip(ARTICLES, ODD_TITLES, strict=True)
    ]
    items += [{"id": f"odd-{n}", "url": link} for n, link in enumerate(ODD_LINKS)]
    document = {"version": "https://jsonfeed.org/version/1.1", "title": "Odd", "items": items}
    return json.dumps(document).encode()


def escaped_feed(base: str) -> bytes:
    item = f"<item><title>Статья</title><link>{escape(base + ESCAPED_PATH)}</link></item>"
    return _rss(base, "Escaped", item)


def _rss(base: str, title: str, items: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{title}'
        f"</title><link>{base}/</link><description>d</description>{items}</channel></rss>"
    ).encode()


def page(title: str, number: int) -> bytes:
    """An article page whose text is unlike the other pages' (``number`` is in every line)."""
    body = "".join(
        f"<p>{escape(p)} Report {number}, part {i}.</p>" for i, p in enumerate(PARAGRAPHS)
    )
    html = (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}'
        f"</title></head><body><article><h1>{escape(title)}</h1>{body}</article></body></html>"
    )
    return html.encode()


def _always_full(body: bytes) -> Route:
    """A feed without validators: every poll reads it in full, as after any change."""
    return lambda _request: Response(200, body, (("Content-Type", RSS),))
