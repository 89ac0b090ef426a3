"""The migrations build exactly the schema the models describe, on SQLite and on PostgreSQL,
once, however many processes open a new database together."""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from mediamon.core.db import alembic_config, make_engine, open_database
from mediamon.core.models import Base
from mediamon.ops.scheduler import JOBSTORE_TABLE
from mediamon.store.search import has_fts
from tests.support import temporary_postgres_database

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


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database nothing has migrated yet: a new SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/mediamon.sqlite"
        return
    with temporary_postgres_database() as url:
        yield url


def _open_together(url: str, barrier: Any) -> None:
    """Open the database as a starting worker does, once every other process is ready too."""
    barrier.wait(timeout=60)
    open_database(url).dispose()


def test_concurrent_first_opens_migrate_once(empty_database_url: str) -> None:
    # A barrier so that all processes reach the migrations at the same moment, as workers
    # started together on a fresh database do.
    processes = 4
    spawn = multiprocessing.get_context("spawn")
    barrier = spawn.Barrier(processes)
    workers = [
        spawn.Process(target=_open_together, args=(empty_database_url, barrier))
        for _ in range(processes)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert [worker.exitcode for worker in workers] == [0] * processes

    engine = make_engine(empty_database_url)
    with engine.connect() as connection:
        versions = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    engine.dispose()
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    assert [version for (version,) in versions] == heads
