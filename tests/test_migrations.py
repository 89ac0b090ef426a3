"""The migrations build exactly the schema the models describe, on SQLite and on PostgreSQL."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from mediamon.db import Base, open_database
from mediamon.scheduling import JOBSTORE_TABLE
from pipelines.search import has_fts

# What hand-written migrations add beside the models (full-text search), and the job store
# APScheduler creates for itself.
UNMODELLED_TABLE_PREFIXES = ("articles_fts", JOBSTORE_TABLE)
UNMODELLED = {("column", "search_words"), ("index", "ix_articles_search_words")}


def _modelled(obj: Any, name: str | None, type_: str, *_: Any) -> bool:
    if type_ == "table" and (name or "").startswith(UNMODELLED_TABLE_PREFIXES):
        return False
    return (type_, name) not in UNMODELLED


def test_migrations_produce_the_models_schema(database_url: str) -> None:
    engine = open_database(database_url)
    with engine.connect() as connection:
        options = {"include_object": _modelled, "compare_type": True}
        context = MigrationContext.configure(connection, opts=options)
        differences = compare_metadata(context, Base.metadata)
    assert differences == []
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
    assert has_fts(engine)
    engine.dispose()
