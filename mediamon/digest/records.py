"""What each digest showed, recorded per topic selection and period, and the previous one.

A digest marks as new the stories that the previous digest of the same topic selection and
period kind did not show: the latest recorded one whose period ended when this one's began
(for a day, normally the day before). Neither the format nor the time a command runs matters,
so the Markdown, HTML and e-mail of one day agree, and writing a digest again changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from mediamon.core.dialects import dialect_of
from mediamon.core.models import DigestRecord, table_of

ALL_TOPICS = "*"  # topic ids are slugs, so this never names one


@dataclass(frozen=True)
class PreviousDigest:
    start: datetime
    end: datetime
    story_keys: frozenset[str]


def selection_of(topic: str | None) -> str:
    return topic or ALL_TOPICS


def previous_digest(
    engine: Engine, topic: str | None, kind: str, start: datetime
) -> PreviousDigest | None:
    """The latest digest of ``topic`` (None: every topic) and ``kind`` that ended by ``start``."""
    query = (
        select(DigestRecord)
        .where(
            DigestRecord.selection == selection_of(topic),
            DigestRecord.period_kind == kind,
            DigestRecord.period_end <= start,
        )
        .order_by(DigestRecord.period_start.desc())
        .limit(1)
    )
    with Session(engine) as session:
        record = session.scalars(query).first()
        if record is None:
            return None
        return PreviousDigest(record.period_start, record.period_end, frozenset(record.story_keys))


def record_digest(
    engine: Engine,
    topic: str | None,
    kind: str,
    period: tuple[datetime, datetime],
    story_keys: Iterable[str],
) -> None:
    """Remember the stories a digest showed; a digest written again replaces its record."""
    table = table_of(DigestRecord)
    values = {
        "selection": selection_of(topic),
        "period_kind": kind,
        "period_start": period[0],
        "period_end": period[1],
        "story_keys": sorted(set(story_keys)),
    }
    with engine.begin() as connection:
        upsert = dialect_of(connection).insert(table).values(values)
        connection.execute(
            upsert.on_conflict_do_update(
                index_elements=[table.c.selection, table.c.period_kind, table.c.period_start],
                set_={
                    "period_end": upsert.excluded.period_end,
                    "story_keys": upsert.excluded.story_keys,
                },
            )
        )
