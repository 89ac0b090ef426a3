"""What a listing (feed, sitemap, archive page) says about one article it links to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass(frozen=True)
class FeedEntry:
    link: str
    title: str | None
    published: datetime | None


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
