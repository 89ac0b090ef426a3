"""The read pages' database access: an engine whose connections refuse every write.

The app's context engine stays for the actions that change data (which carry their own checks);
every page and API read goes through :func:`read_only_engine`, so a bug in a read path cannot
modify what was collected.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, event

from mediamon.core.db import make_engine

READ_ONLY = {
    "sqlite": "PRAGMA query_only = ON",
    "postgresql": "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY",
}
"""Per engine, the statement that makes a connection refuse writes."""


def read_only_engine(url: str) -> Engine:
    """An engine on the (already migrated) database at ``url`` that only reads."""
    engine = make_engine(url)
    statement = READ_ONLY[engine.dialect.name]

    def refuse_writes(connection: Any, _record: Any) -> None:
        cursor = connection.cursor()
        cursor.execute(statement)
        cursor.close()
        connection.commit()  # PostgreSQL undoes a SET with the transaction it ran in

    event.listen(engine, "connect", refuse_writes)
    return engine
