"""The crawl's path-like stats keys that one component writes and another reads, defined once.

The spiders and item pipelines write them; the crawl and backfill commands, the worker and
``mediamon status`` read them (a run records its crawl's stats as its counts).
"""

from __future__ import annotations

STORED = "mediamon/store/stored"
"""Articles stored new by the store pipeline."""
STORED_PER_OUTLET = "mediamon/store/outlet/"
"""Prefix of the per-outlet count of articles stored new: ``mediamon/store/outlet/<outlet id>``."""
ALREADY_STORED = "mediamon/articles/already_stored"
"""Articles listed by a source but not fetched: already stored."""
ARTICLES_FAILED = "mediamon/articles/failed"
LISTED = "mediamon/collect/listed"
"""Article addresses a sitemap, section or archive page listed."""
COLLECT_FAILED = "mediamon/collect/failed"
FEEDS_PARSED = "mediamon/feeds/parsed"
FEEDS_NOT_MODIFIED = "mediamon/feeds/not_modified"
FEEDS_NOT_DUE = "mediamon/feeds/not_due"
FEEDS_FAILED = "mediamon/feeds/failed"
SITEMAP_INDEXES = "mediamon/sitemaps/index"
SITEMAP_URLSETS = "mediamon/sitemaps/urlset"
SECTION_PAGES = "mediamon/sections/pages"
