"""A database that cannot be opened or migrated stops a command with one line naming it (its
password masked) and the cause: no traceback."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.support import PROJECT_CONFIG, run_mediamon


def test_a_new_database_locked_by_another_process_is_one_line(tmp_path: Path) -> None:
    database = tmp_path / "new.sqlite"
    holder = sqlite3.connect(database, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another process creating it, for longer than 1 s
    try:
        url = f"sqlite:///{database}?timeout=1"
        result = run_mediamon(
            "crawl", "--config", str(PROJECT_CONFIG), "--database-url", url, check=False
        )
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        f"Error: cannot open the database {url}: database is locked (another process held its "
        "write lock for longer than the busy timeout)"
    ]


def test_a_database_that_does_not_answer_is_named_without_its_password() -> None:
    url = "postgresql://analyst:s3cret-pw@127.0.0.1:1/mediamon"
    result = run_mediamon(
        "status", "--config", str(PROJECT_CONFIG), "--database-url", url, check=False
    )
    assert result.returncode == 1
    assert "s3cret-pw" not in result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert lines[0].startswith(
        "Error: cannot open the database postgresql://analyst:***@127.0.0.1:1"
    )
