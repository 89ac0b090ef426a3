"""`digest --out` writes its file in one piece, and a digest it cannot write fails visibly: one
error line, a non-zero exit, the run recorded as failed, nothing half-written left behind."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from mediamon.core.db import open_database
from mediamon.core.files import write_atomically
from mediamon.core.models import Run
from tests.support import run_mediamon
from tests.support.digest import DAY, add_article, at, run_digest_cli

DATE = ("--date", DAY.isoformat())


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "digest.sqlite"
    engine = open_database(f"sqlite:///{path}")
    add_article(engine, "bbc", "Raid on Belgorod", at(10), url="https://www.bbc.com/news/1")
    engine.dispose()
    return path


def digest_runs(database: Path) -> list[Run]:
    engine = open_database(f"sqlite:///{database}")
    with Session(engine) as session:
        runs = list(session.scalars(select(Run).where(Run.job == "digest")))
    engine.dispose()
    return runs


def test_a_digest_that_cannot_be_written_fails_with_one_line(
    config_dir: Path, database: Path, tmp_path: Path
) -> None:
    blocker = tmp_path / "file.txt"
    blocker.write_text("a regular file, not a directory")
    out = blocker / "digest.md"
    url = f"sqlite:///{database}"
    result = run_mediamon(
        "digest",
        "--config",
        str(config_dir),
        "--database-url",
        url,
        *DATE,
        "--out",
        str(out),
        check=False,
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines == [f"Error: cannot write the digest to {out}: Not a directory"]
    (run,) = digest_runs(database)
    assert run.outcome == "failed"
    assert run.errors == [f"cannot write the digest to {out}: Not a directory"]
    assert run.finished_at is not None
    assert not [p for p in tmp_path.rglob("*") if p.name.endswith(".tmp") or "digest.md" in p.name]


@pytest.mark.parametrize("out", ["/proc/mediamon-digest.md", "/proc/self/mediamon/digest.md"])
def test_an_unwritable_place_is_a_failed_run(config_dir: Path, database: Path, out: str) -> None:
    result = run_digest_cli(config_dir, database, *DATE, "--out", out)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: cannot write the digest to {out}: ")
    assert len(result.stderr.strip().splitlines()) == 1
    assert [run.outcome for run in digest_runs(database)] == ["failed"]
    assert not Path(out).exists()


def test_a_written_digest_leaves_no_temporary_file(
    config_dir: Path, database: Path, tmp_path: Path
) -> None:
    out = tmp_path / "digests" / "2023-05-22.md"
    for _ in range(2):  # the second run replaces the first one's file
        result = run_digest_cli(config_dir, database, *DATE, "--out", str(out))
        assert result.exit_code == 0, result.output
        assert result.stdout == ""
    assert "Raid on Belgorod" in out.read_text(encoding="utf-8")
    assert [p.name for p in out.parent.iterdir()] == [out.name]
    assert [run.outcome for run in digest_runs(database)] == ["ok", "ok"]


def test_a_failed_write_keeps_the_previous_file_whole(tmp_path: Path) -> None:
    target = tmp_path / "digest.md"
    target.write_text("yesterday's digest", encoding="utf-8")
    with pytest.raises(TypeError):
        write_atomically(target, object())  # type: ignore[arg-type]
    assert target.read_text(encoding="utf-8") == "yesterday's digest"
    assert [p.name for p in tmp_path.iterdir()] == ["digest.md"]


def test_a_directory_in_the_way_leaves_nothing_behind(tmp_path: Path) -> None:
    (tmp_path / "digest.md").mkdir()
    with pytest.raises(IsADirectoryError):
        write_atomically(tmp_path / "digest.md", "text")
    assert [p.name for p in tmp_path.iterdir()] == ["digest.md"]
