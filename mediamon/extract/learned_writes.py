"""Writing learned-line sightings in batches: each article's sighting of a line once, and the
line's count raised by the sightings that were new (see :mod:`mediamon.extract.learned`)."""

from __future__ import annotations

from collections import Counter
from typing import Any, cast

from sqlalchemy import Connection, Table, bindparam, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import ARRAY

from mediamon.core.db import BoilerplateLine, BoilerplateSighting, utcnow

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
    upsert, parameters = _bulk_insert(connection, LINES, values)
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
    statement, parameters = _bulk_insert(connection, SIGHTINGS, values)
    columns = (SIGHTINGS.c.outlet_id, SIGHTINGS.c.line_hash)
    rows = connection.execute(statement.on_conflict_do_nothing().returning(*columns), parameters)
    return Counter((outlet_id, hash_) for outlet_id, hash_ in rows)


def _bulk_insert(
    connection: Connection, table: Table, values: list[dict[str, Any]]
) -> tuple[postgresql.Insert | sqlite.Insert, Any]:
    """The dialect's INSERT of many rows (it has ON CONFLICT), and the parameters to run it with.

    On PostgreSQL the rows go as one array per column: a VALUES list of a thousand rows costs the
    driver several times more CPU to send than the rows' own writes cost the server.
    """
    if connection.dialect.name != "postgresql":
        return sqlite.insert(table), values
    names = list(values[0])
    arrays = [bindparam(name, type_=ARRAY(table.c[name].type)) for name in names]
    rows = func.unnest(*arrays).table_valued(*names).render_derived()
    statement = postgresql.insert(table).from_select(names, select(*rows.c))
    return statement, {name: [row[name] for row in values] for name in names}
