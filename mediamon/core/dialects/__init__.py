"""The database engines mediamon runs on, one row each: ``engine.dialect.name`` -> ``Dialect``.

Upserts, write locks and full-text matching differ between engines; the modules that need them
look the engine up here rather than branching on its name. Adding an engine is one row below
and one module answering :class:`~mediamon.core.dialects.base.Dialect`.
"""

from __future__ import annotations

from sqlalchemy import Connection, Engine, make_url

from mediamon.core.dialects.base import MIN_FTS_PREFIX, Dialect, IndexSyntax, Upsert
from mediamon.core.dialects.postgresql import PostgresqlDialect
from mediamon.core.dialects.sqlite import SqliteDialect

__all__ = [
    "DIALECTS",
    "MIN_FTS_PREFIX",
    "Dialect",
    "IndexSyntax",
    "Upsert",
    "dialect_for_url",
    "dialect_of",
]

DIALECTS: dict[str, Dialect] = {
    "sqlite": SqliteDialect(),
    "postgresql": PostgresqlDialect(),
}


def dialect_of(bind: Engine | Connection) -> Dialect:
    """The ``Dialect`` of the engine ``bind`` runs on."""
    return _dialect_named(bind.dialect.name)


def dialect_for_url(url: str) -> Dialect:
    """The ``Dialect`` of the database URL ``url`` (``postgresql+psycopg://`` is PostgreSQL)."""
    return _dialect_named(make_url(url).get_backend_name())


def _dialect_named(name: str) -> Dialect:
    try:
        return DIALECTS[name]
    except KeyError:
        raise ValueError(
            f"mediamon does not run on {name!r} databases; it runs on {', '.join(DIALECTS)}"
        ) from None
