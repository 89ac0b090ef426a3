"""The storage dialects table (mediamon.core.dialects): every engine in it provides every
operation, and no module outside it branches on the engine's name."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest

from mediamon.core.db import open_database
from mediamon.core.dialects import DIALECTS, Dialect, IndexSyntax, dialect_of

ROOT = Path(__file__).resolve().parents[2]
OPERATIONS = {name for name in vars(Dialect) if not name.startswith("_")} | set(
    Dialect.__annotations__
)
# Comparing an engine's name, or building its own statements, is the table's business.
BRANCH = re.compile(
    r"dialect\.name\b|==\s*[\"'](sqlite|postgresql)[\"']|sqlalchemy\.dialects|_is_(sqlite|postgresql)"
)
# Each hand-written migration is for one engine and stays as it ran.
OUTSIDE_THE_TABLE = ("mediamon/core/dialects/", "mediamon/core/migrations/")


def test_the_dialect_protocol_has_the_operations() -> None:
    assert {"make_engine", "insert", "insert_many", "write_transaction"} <= OPERATIONS
    assert "migration_transaction" in OPERATIONS
    assert {"has_fulltext", "fulltext_syntax", "fulltext_candidates", "name"} <= OPERATIONS


@pytest.mark.parametrize("name", list(DIALECTS))
def test_each_dialect_provides_every_operation(name: str) -> None:
    dialect = DIALECTS[name]
    missing = [operation for operation in OPERATIONS if not hasattr(dialect, operation)]
    assert not missing, f"dialect {name!r} lacks {missing}: add them to its module"
    assert dialect.name == name
    assert isinstance(dialect.fulltext_syntax, IndexSyntax)
    for operation in OPERATIONS - {"name", "fulltext_syntax"}:
        assert callable(getattr(dialect, operation)), operation


def test_the_table_has_both_engines() -> None:
    assert set(DIALECTS) == {"sqlite", "postgresql"}


def test_an_engine_is_looked_up_by_its_dialect_name(database_url: str) -> None:
    engine = open_database(database_url)
    try:
        assert dialect_of(engine) is DIALECTS[engine.dialect.name]
        assert dialect_of(engine).has_fulltext(engine)
    finally:
        engine.dispose()


def test_an_engine_outside_the_table_is_refused_with_the_ones_in_it() -> None:
    unknown = cast(Any, SimpleNamespace(dialect=SimpleNamespace(name="mysql")))
    with pytest.raises(ValueError, match=r"'mysql'.*sqlite, postgresql"):
        dialect_of(unknown)


def test_no_module_outside_the_table_branches_on_the_engine() -> None:
    sources = [
        path
        for package in ("mediamon", "pipelines", "scrapers")
        for path in sorted((ROOT / package).rglob("*.py"))
        if not path.relative_to(ROOT).as_posix().startswith(OUTSIDE_THE_TABLE)
    ]
    assert len(sources) > 50
    branching = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in sources
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if BRANCH.search(line)
    ]
    assert not branching, "look the engine up in mediamon.core.dialects instead:\n" + "\n".join(
        branching
    )
