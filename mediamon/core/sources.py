"""The kinds of source an outlet lists, one row per spider: the one table the crawl planner, the
shards, the crawl and backfill commands, the scheduler's jobs and the config check read.

Adding a kind of source is a row here, its spider (``scrapers/spiders/<spider>.py``) and its
typed field on :class:`mediamon.core.config_models.OutletModel`. Plain data: the scheduler and
the config validation read it without loading Scrapy.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from mediamon.core import stat_keys as stat


@dataclass(frozen=True)
class Figure:
    """One figure of a spider's summary: the sum of some stats keys, and what it counts."""

    label: str
    keys: tuple[str, ...]

    def value(self, stats: Mapping[str, Any]) -> int:
        return sum(int(stats.get(key, 0)) for key in self.keys)


@dataclass(frozen=True)
class SourceKind:
    """A spider and the outlet fields (outlets.yaml) listing the sources it reads."""

    spider: str
    field: str
    """The field of the sources a crawl reads (the latest articles)."""
    window_field: str | None
    """The field of the sources read for a date window (a backfill); None: no window taken."""
    figures: tuple[Figure, ...]
    """What `mediamon crawl` reports of the spider, after the articles stored."""
    window_without_field: bool = False
    """In a window, an outlet listing none is read too (the spider finds its sources)."""

    def sources(self, outlet: object, windowed: bool) -> Sequence[object]:
        """The sources ``outlet`` lists for this spider, in a window or not."""
        field = self.window_field if windowed else self.field
        return getattr(outlet, field) if field else ()

    def has_sources(self, outlet: object, windowed: bool) -> bool:
        """Whether this spider has anything to read for ``outlet``, in a window or not."""
        if windowed and self.window_field is None:
            return False
        return bool(self.sources(outlet, windowed)) or (windowed and self.window_without_field)


COLLECT_FIGURES = (
    Figure("articles listed", (stat.LISTED,)),
    Figure("already stored", (stat.ALREADY_STORED,)),
    Figure("edited articles fetched again", (stat.REFETCHED,)),
    Figure("failed", (stat.COLLECT_FAILED,)),
)

SOURCE_KINDS: tuple[SourceKind, ...] = (
    SourceKind(
        spider="feeds",
        field="feeds",
        window_field=None,
        figures=(
            Figure("feeds changed", (stat.FEEDS_PARSED,)),
            Figure("feeds unchanged", (stat.FEEDS_NOT_MODIFIED,)),
            Figure("feeds not due", (stat.FEEDS_NOT_DUE,)),
            Figure("feeds failed", (stat.FEEDS_FAILED,)),
            Figure("articles failed", (stat.ARTICLES_FAILED,)),
            Figure("edited articles fetched again", (stat.REFETCHED,)),
        ),
    ),
    SourceKind(
        spider="sitemaps",
        field="sitemaps",
        window_field="sitemaps",
        # robots.txt's Sitemap: lines
        window_without_field=True,
        figures=(
            Figure("sitemaps read", (stat.SITEMAP_INDEXES, stat.SITEMAP_URLSETS)),
            *COLLECT_FIGURES,
        ),
    ),
    SourceKind(
        spider="sections",
        field="sections",
        window_field="archives",
        figures=(Figure("pages read", (stat.SECTION_PAGES,)), *COLLECT_FIGURES),
    ),
)
"""In the order a crawl runs the spiders: a later one never fetches what an earlier one stored."""

CRAWL_SPIDERS = tuple(kind.spider for kind in SOURCE_KINDS)
"""The spiders of a crawl, in the order they run."""
WINDOW_SPIDERS = tuple(kind.spider for kind in SOURCE_KINDS if kind.window_field)
"""The spiders that take a date window: a backfill's."""
SOURCE_FIELDS = tuple(
    dict.fromkeys(
        field for kind in SOURCE_KINDS for field in (kind.field, kind.window_field) if field
    )
)
"""The outlet fields listing sources; an outlet lists at least one kind."""


def source_kind(spider: str) -> SourceKind:
    """The row of ``spider``; KeyError when no row has it."""
    for kind in SOURCE_KINDS:
        if kind.spider == spider:
            return kind
    raise KeyError(f"no source kind has the spider {spider!r}; known: {', '.join(CRAWL_SPIDERS)}")
