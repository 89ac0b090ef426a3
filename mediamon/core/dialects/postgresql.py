"""PostgreSQL: psycopg engines, ON CONFLICT inserts (many rows as arrays), advisory locks,
the tsvector column (migration 0003)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import (
    URL,
    Connection,
    Engine,
    Select,
    Table,
    bindparam,
    create_engine,
    func,
    inspect,
    select,
    text,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import ARRAY

from mediamon.core.dialects.base import MIN_FTS_PREFIX, IndexSyntax
from mediamon.core.models import ArticleRow
from mediamon.query.text_analysis import normalize_word

TSVECTOR_COLUMN = "search_words"
# Migration 0003 indexes runs of letters and digits; a prefix longer than its first run
# could never match one of them.
LETTERS_AND_DIGITS = re.compile(r"[^\W_]+")
ADVISORY_LOCK = text("SELECT pg_advisory_lock(:key)")
ADVISORY_UNLOCK = text("SELECT pg_advisory_unlock(:key)")
ADVISORY_XACT_LOCK = text("SELECT pg_advisory_xact_lock(:key)")


def _tsquery_prefix(prefix: str) -> str | None:
    first_run = LETTERS_AND_DIGITS.match(normalize_word(prefix))
    if first_run is None or len(first_run.group()) < MIN_FTS_PREFIX:
        return None
    return first_run.group() + ":*"


TSQUERY = IndexSyntax(" & ", " | ", _tsquery_prefix)


class PostgresqlDialect:
    name = "postgresql"
    fulltext_syntax = TSQUERY

    def make_engine(self, url: URL) -> Engine:
        if url.drivername == "postgresql":
            url = url.set(drivername="postgresql+psycopg")
        return create_engine(url, pool_pre_ping=True)

    def refuse_writes(self, dbapi_connection: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
        cursor.close()
        dbapi_connection.commit()  # a SET rolled back with its transaction would be undone

    def anchored(self, url: URL, directory: Path) -> URL:
        return url

    def exists(self, url: URL) -> bool:
        return True

    def insert(self, table: Table) -> postgresql.Insert:
        return postgresql.insert(table)

    def insert_many(
        self, table: Table, values: list[dict[str, Any]]
    ) -> tuple[postgresql.Insert, dict[str, list[Any]]]:
        # The rows go as one array per column: a VALUES list of a thousand rows costs the driver
        # several times more CPU to send than the rows' own writes cost the server.
        names = list(values[0])
        arrays = [bindparam(name, type_=ARRAY(table.c[name].type)) for name in names]
        rows = func.unnest(*arrays).table_valued(*names).render_derived()
        statement = postgresql.insert(table).from_select(names, select(*rows.c))
        return statement, {name: [row[name] for row in values] for name in names}

    @contextmanager
    def write_transaction(self, connection: Connection, key: int) -> Iterator[None]:
        with connection.begin():
            connection.execute(ADVISORY_XACT_LOCK, {"key": key})
            yield

    @contextmanager
    def migration_transaction(self, connection: Connection, key: int) -> Iterator[None]:
        # A session lock, taken before and released after the transaction, so whoever gets it
        # next reads the committed revision at any isolation level.
        connection.execute(ADVISORY_LOCK, {"key": key})
        connection.commit()
        try:
            with connection.begin():
                yield
        finally:
            connection.execute(ADVISORY_UNLOCK, {"key": key})
            connection.commit()

    def has_fulltext(self, engine: Engine) -> bool:
        columns = inspect(engine).get_columns(ArticleRow.__tablename__)
        return any(column["name"] == TSVECTOR_COLUMN for column in columns)

    def fulltext_candidates(self, statement: Select[Any], match: str) -> Select[Any]:
        condition = f"articles.{TSVECTOR_COLUMN} @@ to_tsquery('simple', :match)"
        return statement.where(text(condition).bindparams(match=match))
