"""Past digests for the Digests page: as recorded, and the files the scheduler wrote."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from mediamon.core.config import Config
from mediamon.core.digest_formats import DIGEST_FORMATS, digest_format
from mediamon.core.models import (
    DigestRecord,
)
from mediamon.ops.jobs import scheduled_digest_path
from mediamon.web.queries.listings import Page, decode_cursor, encode_cursor


@dataclass(frozen=True)
class DigestSent:
    """A digest as recorded (its topic selection, period and the stories it showed), and the
    formats of it the scheduler wrote that are still on disk."""

    selection: str
    period_kind: str
    period_start: datetime
    period_end: datetime
    stories: int
    formats: tuple[str, ...]


def digest_page(engine: Engine, config: Config, cursor: str | None, limit: int) -> Page[DigestSent]:
    """Recorded digests, the latest period first, after ``cursor``."""
    key = decode_cursor(cursor, {"skip": int})
    skip = key["skip"] if key else 0
    statement = (
        select(DigestRecord)
        .order_by(DigestRecord.period_start.desc(), DigestRecord.selection)
        .offset(skip)
        .limit(limit + 1)
    )
    with Session(engine) as session:
        records = list(session.scalars(statement))
        sent = [
            DigestSent(
                r.selection,
                r.period_kind,
                r.period_start,
                r.period_end,
                len(r.story_keys or []),
                digest_formats_on_disk(config, digest_day(r.period_start, config)),
            )
            for r in records[:limit]
        ]
    return Page(sent, encode_cursor({"skip": skip + limit}) if len(records) > limit else None)


def digest_day(start: datetime, config: Config) -> str:
    """The day (in ``settings.timezone``) a digest period starts on: its files' name."""
    return f"{start.astimezone(config.settings.zone):%Y-%m-%d}"


def digest_formats_on_disk(config: Config, day: str) -> tuple[str, ...]:
    return tuple(
        row.name for row in DIGEST_FORMATS if scheduled_digest_path(config, day, row.name).is_file()
    )


def digest_file(config: Config, day: str, format_name: str) -> tuple[bytes, str] | None:
    """The scheduler's digest of ``day`` in a format, as written, with its media type."""
    try:
        row = digest_format(format_name)
        datetime.strptime(day, "%Y-%m-%d")
    except (KeyError, ValueError):
        return None
    path = scheduled_digest_path(config, day, row.name)
    try:
        return path.read_bytes(), row.media_type
    except OSError:
        return None
