"""What a listing (feed, sitemap, archive page) says about one article it links to.

Every value a listing gives is checked here, at the spider, into the types the rest of the
pipeline relies on: a link is a string, made absolute and normalised once to the escaped form
Scrapy requests and stores (so a lookup before the request finds what was stored); a title is
text (a number becomes text; a list, an object or a boolean is dropped with a warning); a date
is an aware datetime or nothing.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urldefrag, urljoin

from w3lib.url import safe_url_string

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class FeedEntry:
    link: str
    title: str | None
    published: datetime | None
    updated: datetime | None = None
    """When the listing says the article last changed (RSS/Atom ``updated``, sitemap
    ``lastmod``, JSON Feed ``date_modified``), as stated: not checked for plausibility here."""
    refetch_since: datetime | None = None
    """Set when the article is stored already and requested again because the listing says it
    changed since: when it was last fetched (the request is conditional on a change since)."""

    @property
    def refetch(self) -> bool:
        return self.refetch_since is not None


def normalized_url(value: object, base_url: str = "") -> str | None:
    """``value`` as the absolute URL Scrapy would request (percent-escaped as w3lib's
    ``safe_url_string`` does, fragment removed); None when it is not a non-empty string."""
    if not isinstance(value, str) or not value.strip():
        return None
    absolute = urldefrag(urljoin(base_url, value.strip()))[0]
    return safe_url_string(absolute, "utf-8") or None


def text_value(value: object, field: str, source: str) -> str | None:
    """A listing's text field as text: strings stripped, numbers written out; None for null or
    empty, and for a list, object or boolean, which is dropped with a warning naming ``source``."""
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    logger.warning("%s: dropped a %s that is a %s, not text", source, field, type(value).__name__)
    return None


def listed_entry(
    link: object,
    title: object,
    published: datetime | None,
    source: str,
    updated: datetime | None = None,
) -> FeedEntry | None:
    """The entry ``source`` lists, or None when its link is not a usable string; relative
    links are resolved against ``source``."""
    url = normalized_url(link, source)
    if url is None:
        return None
    return FeedEntry(url, text_value(title, "title", source), published, updated)


def parse_iso_datetime(value: object) -> datetime | None:
    """An ISO 8601 date or time (``Z`` allowed) as an aware datetime, UTC when no zone is given;
    None for anything else."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def datetime_of_struct(value: object) -> datetime | None:
    """A UTC ``time.struct_time`` (feedparser's ``*_parsed``) as an aware datetime; None for
    anything else or an impossible date."""
    if not isinstance(value, time.struct_time):
        return None
    try:
        return datetime(*value[:6], tzinfo=UTC)
    except (ValueError, OverflowError):
        return None
