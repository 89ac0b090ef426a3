"""The read pages' database access: an engine whose connections refuse every write.

The app's context engine stays for the actions that change data (which carry their own checks);
every page and API read goes through :func:`read_only_engine`, so a bug in a read path cannot
modify what was collected.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, event

from mediamon.core.db import make_engine
from mediamon.core.dialects import dialect_of


def read_only_engine(url: str) -> Engine:
    """An engine on the (already migrated) database at ``url`` that only reads."""
    engine = make_engine(url)
    dialect = dialect_of(engine)

    def refuse_writes(dbapi_connection: Any, _record: Any) -> None:
        dialect.refuse_writes(dbapi_connection)

    event.listen(engine, "connect", refuse_writes)
    return engine
