"""A database that refuses writes is recognised (SQLite and PostgreSQL); the store pipeline fails
the articles it could not store, alone when the others can be stored, all at once when the
database refuses writes."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from mediamon.core.article import Article
from mediamon.core.db import make_engine, open_database
from mediamon.core.db_errors import unwritable_reason
from mediamon.core.models import ArticleRow
from mediamon.store.unwritable import ArticleNotStored
from pipelines.store import StorePipeline
from tests.support import temporary_postgres_database

TEXT = "Shelling was reported near Graivoron in the Belgorod region on Monday morning. " * 4


def article(n: int, **fields: object) -> Article:
    item = Article(
        url=f"https://tass.com/a/{n}",
        outlet_id="tass",
        html=b"<html></html>",
        encoding="utf-8",
        fetched_at=datetime.fromisoformat("2023-05-23T09:00:00+00:00"),
        title=f"Article {n}",
        text=f"{n} {TEXT}",
    )
    for name, value in fields.items():
        setattr(item, name, value)
    return item


@pytest.fixture
def sqlite_file(tmp_path: Path) -> Iterator[Path]:
    database = tmp_path / "m.sqlite"
    open_database(f"sqlite:///{database}").dispose()
    yield database


def locked(database: Path) -> sqlite3.Connection:
    holder = sqlite3.connect(database, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    return holder


def write_error(engine: Engine) -> Exception:
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO runs (job, started_at, outcome, counts, errors)"
                    " VALUES ('x', '2023-05-23 09:00:00', 'ok', '{}', '[]')"
                )
            )
    except Exception as exc:
        return exc
    raise AssertionError("the write succeeded")


def test_the_busy_timeout_comes_from_the_url(sqlite_file: Path) -> None:
    engine = make_engine(f"sqlite:///{sqlite_file}?timeout=0.2")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 200
    holder = locked(sqlite_file)
    started = time.monotonic()
    error = write_error(engine)
    holder.close()
    assert time.monotonic() - started < 5
    reason = unwritable_reason(error)
    assert reason is not None and "database is locked" in reason and "busy timeout" in reason


def test_a_read_only_sqlite_database_is_unwritable(sqlite_file: Path) -> None:
    engine = make_engine(f"sqlite:///file:{sqlite_file}?mode=ro&uri=true")
    reason = unwritable_reason(write_error(engine))
    assert reason is not None and "readonly" in reason


def test_other_errors_are_not_a_refusal_to_write(sqlite_file: Path) -> None:
    assert unwritable_reason(IntegrityError("INSERT", {}, sqlite3.IntegrityError("UNIQUE"))) is None
    assert unwritable_reason(ValueError("naive datetime")) is None
    snapshot = sqlite3.OperationalError("database is locked")
    snapshot.sqlite_errorcode = 517  # type: ignore[attr-defined]  # SQLITE_BUSY_SNAPSHOT
    assert unwritable_reason(snapshot) is None


@pytest.mark.parametrize(
    "error",
    [
        psycopg.errors.DiskFull,
        psycopg.errors.ReadOnlySqlTransaction,
        psycopg.errors.LockNotAvailable,
    ],
)
def test_postgresql_refusals_are_recognised_through_sqlalchemy(error: type[Exception]) -> None:
    wrapped = DBAPIError("INSERT", {}, error("refused"))
    assert unwritable_reason(wrapped) is not None


def test_a_read_only_postgresql_database_is_unwritable(migrated_postgres_template: str) -> None:
    with temporary_postgres_database(migrated_postgres_template) as url:
        name = url.rsplit("/", 1)[1]
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
        engine = make_engine(url)
        try:
            reason = unwritable_reason(write_error(engine))
        finally:
            engine.dispose()
    assert reason is not None and "read-only" in reason


def store_all(pipeline: StorePipeline, items: list[Article]) -> list[BaseException | None]:
    async def run() -> list[BaseException | None]:
        outcomes = await asyncio.gather(
            *(pipeline.process_item(item) for item in items), return_exceptions=True
        )
        return [o if isinstance(o, BaseException) else None for o in outcomes]

    return asyncio.run(run())


def test_an_article_that_cannot_be_stored_fails_alone(sqlite_file: Path) -> None:
    engine = open_database(f"sqlite:///{sqlite_file}")
    pipeline = StorePipeline(engine, batch_size=3, batch_seconds=5)
    naive = article(2, fetched_at=datetime(2023, 5, 23, 9, 0))
    outcomes = store_all(pipeline, [article(1), naive, article(3)])
    assert outcomes[0] is None and outcomes[2] is None
    failed = outcomes[1]
    assert isinstance(failed, ArticleNotStored) and failed.unwritable is None
    with Session(engine) as session:
        assert set(session.scalars(select(ArticleRow.url))) == {article(1).url, article(3).url}


def test_a_database_refusing_writes_fails_the_batch_and_every_later_article_at_once(
    sqlite_file: Path,
) -> None:
    engine = open_database(f"sqlite:///{sqlite_file}?timeout=0.2")
    told: list[str] = []
    pipeline = StorePipeline(engine, batch_size=2, batch_seconds=5, on_unwritable=told.append)
    holder = locked(sqlite_file)
    try:
        outcomes = store_all(pipeline, [article(1), article(2)])
        started = time.monotonic()
        (later,) = store_all(pipeline, [article(3)])
        assert time.monotonic() - started < 0.1
    finally:
        holder.close()
    for outcome in [*outcomes, later]:
        assert isinstance(outcome, ArticleNotStored) and outcome.unwritable
    assert len(told) == 1 and "database is locked" in told[0]
