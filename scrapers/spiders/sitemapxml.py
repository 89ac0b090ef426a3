"""Reading sitemap XML safely: gzip with a size cap, no entities, no network, news tags."""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice

from lxml import etree

from scrapers.spiders.entries import FeedEntry, listed_entry, normalized_url, parse_iso_datetime

GZIP_MAGIC = b"\x1f\x8b"
PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, recover=False, huge_tree=False, remove_comments=True
)


class MalformedSitemap(ValueError):
    pass


@dataclass(frozen=True)
class ChildSitemap:
    url: str
    lastmod: datetime | None


@dataclass
class SitemapDocument:
    kind: str
    children: list[ChildSitemap] = field(default_factory=list)
    entries: list[FeedEntry] = field(default_factory=list)
    excess: int = 0
    """Elements beyond the ``limit`` asked for, left unread."""


def read_sitemap(
    body: bytes, max_bytes: int, base_url: str = "", limit: int | None = None
) -> SitemapDocument:
    """The sitemap's child sitemaps (an index) or article entries (a urlset), the first
    ``limit`` at most, their URLs resolved against ``base_url`` and normalised."""
    xml = gunzip_capped(body, max_bytes) if body.startswith(GZIP_MAGIC) else body
    try:
        root = etree.fromstring(xml, PARSER)
    except etree.XMLSyntaxError as exc:
        raise MalformedSitemap(f"not well-formed XML: {exc}") from exc
    kind = etree.QName(root).localname
    elements = [e for e in islice(root, limit) if isinstance(e.tag, str)]
    excess = max(0, len(root) - limit) if limit is not None else 0
    if kind == "sitemapindex":
        children = [_child_sitemap(element, base_url) for element in elements]
        return SitemapDocument("index", children=[c for c in children if c], excess=excess)
    if kind == "urlset":
        entries = [_entry(element, base_url) for element in elements]
        return SitemapDocument("urlset", entries=[e for e in entries if e], excess=excess)
    raise MalformedSitemap(f"root element <{kind}> is neither <urlset> nor <sitemapindex>")


def gunzip_capped(body: bytes, max_bytes: int) -> bytes:
    """Decompress, refusing to inflate past ``max_bytes`` (a decompression bomb)."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        data = inflater.decompress(body, max_bytes + 1)
    except zlib.error as exc:
        raise MalformedSitemap(f"broken gzip: {exc}") from exc
    if len(data) > max_bytes:
        raise MalformedSitemap(f"inflates past {max_bytes} bytes (decompression bomb)")
    return data


def _child_sitemap(element: etree._Element, base_url: str) -> ChildSitemap | None:
    url = normalized_url(_text(element, "loc"), base_url)
    return ChildSitemap(url, parse_iso_datetime(_text(element, "lastmod"))) if url else None


def _entry(element: etree._Element, base_url: str) -> FeedEntry | None:
    news = _child(element, "news")
    title = _text(news, "title") if news is not None else ""
    published = parse_iso_datetime(_text(news, "publication_date")) if news is not None else None
    lastmod = parse_iso_datetime(_text(element, "lastmod"))
    return listed_entry(_text(element, "loc"), title, published or lastmod, base_url, lastmod)


def _child(element: etree._Element, localname: str) -> etree._Element | None:
    """A direct child by local name, whatever namespace the sitemap declared."""
    return next((c for c in element if etree.QName(c).localname == localname), None)


def _text(element: etree._Element, localname: str) -> str:
    found = _child(element, localname)
    return (found.text or "").strip() if found is not None else ""
