"""Writing learned-line sightings in batches: each article's sighting of a line once, and the
line's count raised by the sightings that were new (see :mod:`mediamon.extract.learned`)."""

from __future__ import annotations

from collections import Counter
from typing import cast

from sqlalchemy import Connection, Table

from mediamon.core.dialects import dialect_of
from mediamon.core.models import BoilerplateLine, BoilerplateSighting, utcnow

SIGHTINGS = cast(Table, BoilerplateSighting.__table__)
LINES = cast(Table, BoilerplateLine.__table__)
Line = tuple[str, str]  # (outlet_id, line_hash)
Sighting = tuple[str, str, str]  # (outlet_id, line_hash, article_key)
LineRow = tuple[str, str, str, int]  # (outlet_id, line_hash, status, article_count)


def write_sightings(
    connection: Connection, sightings: set[Sighting], texts: dict[Line, str]
) -> list[LineRow]:
    """Insert the sightings not yet stored, add them to their lines' counts; returns the lines."""
    inserted = _insert_sightings(connection, sightings)
    now = utcnow()
    values = [
        {
            "outlet_id": outlet_id,
            "line_hash": hash_,
            "text": texts[outlet_id, hash_],
            "article_count": inserted[outlet_id, hash_],
            "status": "candidate",
            "first_seen_at": now,
        }
        for outlet_id, hash_ in sorted(texts)  # one lock order for every process
    ]
    upsert, parameters = dialect_of(connection).insert_many(LINES, values)
    upsert = upsert.on_conflict_do_update(
        index_elements=[LINES.c.outlet_id, LINES.c.line_hash],
        set_={"article_count": LINES.c.article_count + upsert.excluded.article_count},
    )
    columns = (LINES.c.outlet_id, LINES.c.line_hash, LINES.c.status, LINES.c.article_count)
    rows = connection.execute(upsert.returning(*columns), parameters)
    return [cast(LineRow, tuple(row)) for row in rows]


def _insert_sightings(connection: Connection, sightings: set[Sighting]) -> Counter[Line]:
    """Insert the sightings, skipping those already stored (by any process); counts by line."""
    values = [
        {"outlet_id": outlet_id, "line_hash": hash_, "article_key": article}
        for outlet_id, hash_, article in sorted(sightings)
    ]
    statement, parameters = dialect_of(connection).insert_many(SIGHTINGS, values)
    columns = (SIGHTINGS.c.outlet_id, SIGHTINGS.c.line_hash)
    rows = connection.execute(statement.on_conflict_do_nothing().returning(*columns), parameters)
    return Counter((outlet_id, hash_) for outlet_id, hash_ in rows)
