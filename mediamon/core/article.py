"""The one item that flows from the spiders through the pipelines: an Article."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from mediamon.core.minhash import TextSignature
from mediamon.core.plausible_dates import plausible_or_none


@dataclass
class Article:
    """A downloaded article page, filled in stage by stage as it passes the pipelines.

    The spider sets the fields down to ``fetched_at``; every later field is owned by the pipeline
    named beside it. Times are timezone-aware UTC.
    """

    url: str
    """The URL the page was fetched from, after redirects."""
    outlet_id: str
    """The ``id`` of the outlet in outlets.yaml this article belongs to."""
    html: bytes
    """The raw response body as downloaded (kept, compressed, so extraction can be re-run)."""
    encoding: str
    """The character encoding Scrapy determined for ``html`` (headers, meta tags or sniffing)."""
    fetched_at: datetime
    """When the page was downloaded."""
    source_url: str | None = None
    """The feed, sitemap or section page that linked to the article."""
    hint_title: str | None = None
    """The title the feed or sitemap gave, a fallback when the page has none."""
    hint_published: datetime | None = None
    """The publication time the feed or sitemap gave: one vote on the date (see
    mediamon.extract.dates); it may be implausible, so only ``published_at`` is to be trusted."""
    hint_source: str | None = None
    """The name of the spider whose listing gave ``hint_published`` (feeds, sitemaps...)."""

    # extract
    title: str | None = None
    """The headline (extract)."""
    text: str = ""
    """The clean body text, paragraphs separated by newlines, without the title (extract)."""
    authors: list[str] = field(default_factory=list)
    """Every author named on the page, in page order (extract)."""
    published_at: datetime | None = None
    """First publication time, decided by the agreement of the page's and its listing's dates
    and always plausible; in the page's own UTC offset when it states one, so its day is the
    page's day (extract; stored as UTC plus ``utc_offset_minutes``)."""
    published_source: str | None = None
    """Where ``published_at`` was taken from: feed, sitemap, json-ld, meta, time, text, url...
    (a mediamon.extract.date_sources.DateSource value; extract)."""
    updated_at: datetime | None = None
    """Last-modified time as the page states it, kept apart from ``published_at`` (extract)."""
    updated_source: str | None = None
    """Where ``updated_at`` was taken from (extract)."""
    rejected_dates: list[str] = field(default_factory=list)
    """Dates the page or listing stated that were not believed: "source: value (reason)"."""
    language: str | None = None
    """ISO 639-1 code, declared by the page or detected from the text (extract)."""
    canonical_url: str | None = None
    """rel=canonical / og:url of the page, else ``url``, normalised (extract)."""
    removed: dict[str, list[str]] = field(default_factory=dict)
    """What each cleaning layer removed, by layer name ("prune", "appeal", "template")."""
    is_teaser: bool = False
    """True when the page shows only a teaser of a paywalled article (extract)."""

    # dedup
    content_hash: str | None = None
    """Hash of the normalised text, for exact duplicate detection (dedup)."""
    signature: TextSignature | None = field(default=None, compare=False, repr=False)
    """MinHash of the text's word shingles, for near-duplicate detection and its index; None
    when the text is too short (dedup: computed once when the store batch starts; whoever
    changes ``text`` afterwards sets it again)."""
    duplicate_of: int | None = None
    """Database id of the first-seen article this one copies, if any (dedup)."""

    # topics
    topics: list[str] = field(default_factory=list)
    """Ids of the topics in topics.yaml whose query matches (topics)."""

    # store
    id: int | None = None
    """Database id once stored (store)."""

    @property
    def trusted_published(self) -> datetime | None:
        """The publication date to go by: the extract stage's (always plausible), else the
        listing's when plausible (an item that skipped extraction may carry a placeholder)."""
        return self.published_at or plausible_or_none(self.hint_published, self.fetched_at)
