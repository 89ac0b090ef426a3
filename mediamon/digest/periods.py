"""The periods a digest covers: a day of the configured zone, or any other range of time.

The kind of a period is what "the previous digest" means for it: a day's digest follows the
digest of an earlier day, a range's follows an earlier range.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DAY = "day"
RANGE = "range"


def day_window(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The start and end (exclusive) of ``day`` in ``zone``, as aware datetimes."""
    start = datetime.combine(day, time.min, zone)
    return start, datetime.combine(day + timedelta(days=1), time.min, zone)


def period_kind(start: datetime, end: datetime, zone: ZoneInfo) -> str:
    """DAY when [start, end) is exactly one day of ``zone``, else RANGE."""
    whole_day = day_window(start.astimezone(zone).date(), zone)
    return DAY if (start, end) == whole_day else RANGE


def period_label(start: datetime, end: datetime, zone: ZoneInfo) -> str:
    """'2023-05-22' for a day, '2023-05-20 00:00 to 2023-05-23 14:02' for a range."""
    first = start.astimezone(zone)
    if period_kind(start, end, zone) == DAY:
        return first.date().isoformat()
    last = (end - timedelta(microseconds=1)).astimezone(zone)
    return f"{first:%Y-%m-%d %H:%M} to {last:%Y-%m-%d %H:%M}"
