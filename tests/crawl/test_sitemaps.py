"""Sitemap reading: indexes, gzip, Google News tags, malformed XML and bombs."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime

import pytest

from scrapers.spiders.sitemapxml import MalformedSitemap, read_sitemap

NEWS = (
    b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
    b'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url><loc>https://x.org/a</loc>'
    b"<news:news><news:publication_date>2023-05-22T15:20:00Z</news:publication_date>"
    b"<news:title>Raid</news:title><news:keywords>belgorod</news:keywords></news:news></url>"
    b"<url><loc>https://x.org/b</loc><lastmod>2023-05-01</lastmod></url></urlset>"
)
INDEX = (
    b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap>'
    b"<loc>https://x.org/s1.xml.gz</loc><lastmod>2023-05-26</lastmod></sitemap></sitemapindex>"
)


def test_news_sitemap_gives_publication_date_and_title() -> None:
    document = read_sitemap(NEWS, 10**6)
    first, second = document.entries
    assert (first.link, first.title) == ("https://x.org/a", "Raid")
    assert first.published == datetime(2023, 5, 22, 15, 20, tzinfo=UTC)
    assert second.published == datetime(2023, 5, 1, tzinfo=UTC)


def test_gzipped_index_lists_child_sitemaps_with_lastmod() -> None:
    document = read_sitemap(gzip.compress(INDEX), 10**6)
    assert document.kind == "index"
    assert [(c.url, c.lastmod) for c in document.children] == [
        ("https://x.org/s1.xml.gz", datetime(2023, 5, 26, tzinfo=UTC))
    ]


def test_gzip_bomb_is_refused_before_inflating_it_all() -> None:
    with pytest.raises(MalformedSitemap, match="decompression bomb"):
        read_sitemap(gzip.compress(b" " * 5_000_000), 1_000_000)


@pytest.mark.parametrize("body", [b"<urlset><url><loc>x", b"<html></html>"])
def test_malformed_or_foreign_xml_is_named(body: bytes) -> None:
    with pytest.raises(MalformedSitemap):
        read_sitemap(body, 10**6)
