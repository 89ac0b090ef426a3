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
REFETCHED = "mediamon/articles/refetched"
"""Stored articles requested again: their listing said they changed since they were fetched."""
REFETCH_NOT_MODIFIED = "mediamon/articles/refetch_not_modified"
"""Of those, the ones the outlet answered 304 Not Modified: unchanged since their last fetch."""
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
STORE_FAILED = "mediamon/store/failed"
"""Articles fetched but not stored (a later crawl fetches them again)."""
SOURCES_ANSWERED = "mediamon/sources/answered"
"""Configured sources (feeds, sitemaps, section and archive pages; robots.txt of an outlet whose
sitemaps it names) that answered: a page, a 304, or a status the spider expects."""
SOURCES_FAILED = "mediamon/sources/failed"
"""Configured sources that could not be fetched (network, TLS, HTTP 4xx/5xx, refused)."""
SOURCES_FAILED_PER_OUTLET = "mediamon/sources/failed_outlet/"
"""Prefix of the per-outlet count of failed sources: ``.../failed_outlet/<outlet id>``."""
SOURCE_FAILURE_CAUSE = "mediamon/sources/cause/"
"""Prefix of the cause of an outlet's first failed source: ``.../cause/<outlet id>``."""
