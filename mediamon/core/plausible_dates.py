"""The window a date must fall in to be believed: not before 1990, not after the page was first
seen plus a day. A page's placeholder (year 1, 1970) or a future date never stands for a
publication time; every stage that picks a moment checks it here, so none can crash on one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
LATEST_AFTER_SEEN = timedelta(days=1)


def is_plausible(moment: datetime, seen_at: datetime) -> bool:
    """Whether ``moment`` can be when something seen at ``seen_at`` was published (a time
    without a zone is taken as UTC)."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    seen = seen_at if seen_at.tzinfo else seen_at.replace(tzinfo=UTC)
    try:
        return EARLIEST <= aware <= seen + LATEST_AFTER_SEEN
    except OverflowError:  # seen_at at the very end of time
        return aware >= EARLIEST


def plausible_or_none(moment: datetime | None, seen_at: datetime) -> datetime | None:
    return moment if moment is not None and is_plausible(moment, seen_at) else None
