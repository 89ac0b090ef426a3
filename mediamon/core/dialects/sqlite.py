"""SQLite: engines on files in WAL mode, ON CONFLICT inserts, the database's write lock, the FTS5
index (migration 0002)."""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import URL, Connection, Engine, Select, Table, create_engine, event, inspect, text
from sqlalchemy.dialects import sqlite

from mediamon.core.dialects.base import MIN_FTS_PREFIX, IndexSyntax
from mediamon.core.models import ArticleRow

FTS_TABLE = "articles_fts"
# Seconds a SQLite connection waits for another process's write lock before giving up; a
# ``?timeout=SECONDS`` query parameter of the database URL sets another.
SQLITE_BUSY_TIMEOUT = 30.0
# Each connection's page cache. With SQLite's default of 2 MB, a crawl beside 10,000 articles
# read the pages of the indexes it writes at random places (near-duplicate bands, story keys)
# from the file again and again: 7 % more CPU per article than with 32 MB, which in turn grew a
# crawl's memory by 9.8 % from its 5,000th page to its 20,000th.
CACHE_MB = 16


def _fts5_prefix(prefix: str) -> str | None:
    # FTS5's tokenizer splits at apostrophes; the part before one is still a safe prefix.
    prefix = prefix.split("'")[0]
    if len(prefix) < MIN_FTS_PREFIX:
        return None
    return '"' + prefix.replace('"', '""') + '"*'


FTS5 = IndexSyntax(" AND ", " OR ", _fts5_prefix)


class SqliteDialect:
    name = "sqlite"
    fulltext_syntax = FTS5

    def make_engine(self, url: URL) -> Engine:
        asked = url.query.get("timeout")
        timeout = float(asked) if isinstance(asked, str) else SQLITE_BUSY_TIMEOUT
        _make_parent_dir(url.database)
        engine = create_engine(
            url.difference_update_query(["timeout"]), connect_args={"timeout": timeout}
        )
        event.listen(engine, "connect", _SqlitePragmas(timeout))
        return engine

    def refuse_writes(self, dbapi_connection: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA query_only = ON")
        cursor.close()
        dbapi_connection.commit()

    def anchored(self, url: URL, directory: Path) -> URL:
        path = _file_path(url.database)
        if path is None:
            return url
        # normpath: the directory is resolved already, so "../data" means its real parent
        return url.set(database=os.path.normpath(directory / path))

    def exists(self, url: URL) -> bool:
        path = _file_path(url.database)
        return path is None or path.is_file()

    def insert(self, table: Table) -> sqlite.Insert:
        return sqlite.insert(table)

    def insert_many(
        self, table: Table, values: list[dict[str, Any]]
    ) -> tuple[sqlite.Insert, list[dict[str, Any]]]:
        return sqlite.insert(table), values

    @contextmanager
    def write_transaction(self, connection: Connection, key: int) -> Iterator[None]:
        # One lock for the whole database, whatever the key. pysqlite would begin at the first
        # write, after the reads the transaction decides on (or, before DDL, not at all).
        with connection.begin():
            connection.exec_driver_sql("BEGIN IMMEDIATE")
            yield

    migration_transaction = write_transaction

    def has_fulltext(self, engine: Engine) -> bool:
        return inspect(engine).has_table(FTS_TABLE)

    def fulltext_candidates(self, statement: Select[Any], match: str) -> Select[Any]:
        matching = text(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :match")
        return statement.where(ArticleRow.id.in_(matching.bindparams(match=match)))


def _file_path(database: str | None) -> Path | None:
    """The file of a SQLite database; None for one in memory (or given as a ``file:`` URI)."""
    if not database or database.startswith((":memory:", "file:")):
        return None
    return Path(database).expanduser()


def _make_parent_dir(database: str | None) -> None:
    path = _file_path(database)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)


class _SqlitePragmas:
    """Set on each new SQLite connection: WAL, the busy timeout, foreign keys, the cache."""

    def __init__(self, busy_timeout: float) -> None:
        self.busy_timeout = busy_timeout

    def __call__(self, connection: Any, _record: Any) -> None:
        cursor = connection.cursor()
        _switch_to_wal(cursor, self.busy_timeout)
        cursor.execute(f"PRAGMA busy_timeout={int(self.busy_timeout * 1000)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA cache_size=-{CACHE_MB * 1024}")  # negative: KiB
        cursor.close()


def _switch_to_wal(cursor: sqlite3.Cursor, timeout: float) -> None:
    # Switching a new file to WAL needs it alone, and SQLite reports it busy at once rather than
    # waiting (the pragma holds a read lock): processes opening a new file together take turns.
    deadline = time.monotonic() + timeout
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if exc.sqlite_errorcode != sqlite3.SQLITE_BUSY or time.monotonic() > deadline:
                raise
            time.sleep(0.01)
