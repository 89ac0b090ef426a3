"""Alembic environment: run migrations on the connection mediamon.core.db.upgrade hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from mediamon.core.models import Base

target_metadata = Base.metadata
HANDWRITTEN_TABLE_PREFIXES = ("articles_fts",)
HANDWRITTEN_NAMES = {"column": {"search_words"}, "index": {"ix_articles_search_words"}}


def _include_object(obj: object, name: str | None, type_: str, *_: object) -> bool:
    """Leave the hand-written migrations' objects (SQLite FTS5, PostgreSQL tsvector) to them."""
    if type_ == "table" and (name or "").startswith(HANDWRITTEN_TABLE_PREFIXES):
        return False
    return name not in HANDWRITTEN_NAMES.get(type_, set())


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        url = context.config.get_main_option("sqlalchemy.url")
        with create_engine(url or "sqlite://").begin() as own_connection:
            _migrate(own_connection)
    else:
        _migrate(connection)


def _migrate(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
        include_object=_include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
