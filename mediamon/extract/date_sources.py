"""Where a date can come from, and how much its word counts when sources disagree.

The table is the extension point: a new kind of source is a row here, and the reader that finds
its dates (mediamon.extract.metadata for the page, the spiders for feeds and sitemaps).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class DateSource(StrEnum):
    FEED = "feed"
    SITEMAP = "sitemap"
    LISTING = "listing"
    JSON_LD = "json-ld"
    META = "meta"
    MICRODATA = "microdata"
    TIME = "time"
    TEXT = "text"
    URL = "url"
    HTMLDATE = "htmldate"


@dataclass(frozen=True)
class SourceKind:
    source: DateSource
    weight: float
    """Its vote: the day with the most weight behind it wins."""
    rank: int
    """Whose time of day is taken once the day is decided (lower first)."""


SOURCE_KINDS: dict[DateSource, SourceKind] = {
    kind.source: kind
    for kind in (
        SourceKind(DateSource.JSON_LD, 3.0, 0),
        SourceKind(DateSource.META, 3.0, 1),
        SourceKind(DateSource.MICRODATA, 2.5, 2),
        SourceKind(DateSource.FEED, 3.0, 3),
        SourceKind(DateSource.SITEMAP, 2.5, 4),
        SourceKind(DateSource.LISTING, 2.0, 5),
        SourceKind(DateSource.TIME, 2.0, 6),
        SourceKind(DateSource.HTMLDATE, 1.5, 7),
        SourceKind(DateSource.URL, 2.0, 8),
        SourceKind(DateSource.TEXT, 1.0, 9),
    )
}

# The spider whose listing gave an article its hint date, by the spider's name.
HINT_SOURCES: dict[str, DateSource] = {
    "feeds": DateSource.FEED,
    "articles": DateSource.FEED,
    "sitemaps": DateSource.SITEMAP,
    "sections": DateSource.LISTING,
}


def hint_source(spider_name: str | None) -> DateSource:
    """The source of a listing's date, by the spider that read the listing."""
    return HINT_SOURCES.get(spider_name or "", DateSource.LISTING)
