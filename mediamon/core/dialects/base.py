"""What mediamon asks of a database engine beyond portable SQL: the ``Dialect`` protocol.

Each engine answers it in a module of its own (:mod:`mediamon.core.dialects.sqlite`,
:mod:`mediamon.core.dialects.postgresql`); :data:`mediamon.core.dialects.DIALECTS` maps
``engine.dialect.name`` to them.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import URL, Connection, Engine, Select, Table
from sqlalchemy.dialects import postgresql, sqlite

# An INSERT that has ON CONFLICT (``on_conflict_do_update``, ``on_conflict_do_nothing``).
Upsert = postgresql.Insert | sqlite.Insert
# A full-text prefix shorter than this narrows too little to be worth it.
MIN_FTS_PREFIX = 2


@dataclass(frozen=True)
class IndexSyntax:
    """How an index's query language writes AND, OR and a prefix search (None: too short)."""

    and_: str
    or_: str
    prefix: Callable[[str], str | None]


class Dialect(Protocol):
    """The engine-specific operations: engines, upserts, write locks, full-text candidates."""

    name: str
    fulltext_syntax: IndexSyntax

    def __hash__(self) -> int: ...  # statements built for a dialect are cached by it

    def make_engine(self, url: URL) -> Engine:
        """An engine on the database at ``url``, set up as mediamon needs it."""
        ...

    def refuse_writes(self, dbapi_connection: Any) -> None:
        """Make a new driver connection refuse every write (the workspace's reads)."""
        ...

    def anchored(self, url: URL, directory: Path) -> URL:
        """``url`` with a relative file path taken as relative to ``directory``."""
        ...

    def exists(self, url: URL) -> bool:
        """Whether the database at ``url`` exists, as far as can be told without opening it
        (a server says so itself when asked to connect)."""
        ...

    def insert(self, table: Table) -> Upsert:
        """An INSERT into ``table`` that has ON CONFLICT."""
        ...

    def insert_many(self, table: Table, values: list[dict[str, Any]]) -> tuple[Upsert, Any]:
        """An INSERT (with ON CONFLICT) of the rows ``values``, and parameters to run it with."""
        ...

    def write_transaction(self, connection: Connection, key: int) -> AbstractContextManager[None]:
        """A transaction, committed at the end of the block, that no other process holding the
        lock ``key`` runs at the same time; the lock is taken before its first read."""
        ...

    def migration_transaction(
        self, connection: Connection, key: int
    ) -> AbstractContextManager[None]:
        """As ``write_transaction``, for migrating: whoever takes the lock next reads what it
        committed, at any isolation level."""
        ...

    def has_fulltext(self, engine: Engine) -> bool:
        """Whether the database has this engine's full-text index of articles."""
        ...

    def fulltext_candidates(self, statement: Select[Any], match: str) -> Select[Any]:
        """``statement`` (selecting articles) narrowed to those the index query ``match`` finds."""
        ...
