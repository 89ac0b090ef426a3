"""Cron expressions as mediamon reads them: crontab semantics, with an optional seconds field.

Five fields are a standard crontab line (minute, hour, day of month, month, day of week). Six
fields put seconds first (``"*/5 * * * * *"``: every five seconds), for tests and demos.

Day-of-week numbers follow crontab (0 or 7 is Sunday, 1 is Monday). APScheduler 3 counts from
Monday, so numbers are translated into day names before they reach it; without that,
``"0 7 * * 1-5"`` would run Tuesday to Saturday.
"""

from __future__ import annotations

import re
from datetime import tzinfo

from apscheduler.triggers.cron import CronTrigger

CRONTAB_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
NUMERIC_DAYS = re.compile(r"^(\*|\d+)(?:-(\d+))?(?:/(\d+))?$")


def cron_trigger(expression: str, timezone: tzinfo | str | None = None) -> CronTrigger:
    """A trigger for a five- or six-field cron expression; ValueError says what is wrong."""
    fields = expression.split()
    if len(fields) not in (5, 6):
        raise ValueError(f"wrong number of fields; got {len(fields)}, expected 5 (or 6: seconds)")
    second = fields.pop(0) if len(fields) == 6 else "0"
    minute, hour, day, month, day_of_week = fields
    return CronTrigger(
        second=second,
        minute=minute,
        hour=hour,
        day=day,
        month=month,
        day_of_week=crontab_days(day_of_week),
        timezone=timezone,
    )


def crontab_days(field: str) -> str:
    """A crontab day-of-week field with its numbers as day names (``1-5`` -> ``mon,...,fri``)."""
    if field in ("*", "?"):
        return field
    return ",".join(_part_days(part) for part in field.lower().split(","))


def _part_days(part: str) -> str:
    match = NUMERIC_DAYS.match(part)
    if match is None:
        return part  # names (``mon-fri``), ``last``... mean the same in both schemes
    first, last, step = match.groups()
    if first == "*":
        start, stop = 0, 6
    else:
        start = int(first)
        stop = int(last) if last is not None else (6 if step else start)
    if not 0 <= start <= 7 or not 0 <= stop <= 7 or start > stop:
        raise ValueError(f"day of week '{part}' is out of range; use 0-7 (0 and 7 are Sunday)")
    days = range(start, stop + 1, int(step or 1))
    return ",".join(dict.fromkeys(CRONTAB_DAYS[day % 7] for day in days))
