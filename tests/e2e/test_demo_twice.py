"""`mediamon demo --workdir DIR` run again serves the outlet world at the same addresses, so the
articles it stored the first time are neither fetched nor stored again."""

from __future__ import annotations

import socket
import sqlite3
from pathlib import Path

import pytest

from tests.support import run_mediamon

WORLD_HOST = "127.0.0.10"  # the first outlet's address (mediamon.world.DEFAULT_HOST_BASE)


def stored(database: Path) -> list[tuple[str, str, int | None]]:
    with sqlite3.connect(database) as connection:
        rows = connection.execute("SELECT outlet_id, url, duplicate_of FROM articles ORDER BY id")
        return list(rows)


@pytest.mark.timeout(600)
def test_demo_twice_in_one_workdir_stores_each_article_once(tmp_path: Path) -> None:
    workdir = tmp_path / "demo"
    first = run_mediamon("demo", "--workdir", str(workdir), timeout=280)
    database = workdir / "mediamon.sqlite"
    after_first = stored(database)
    assert len(after_first) >= 10
    first_digest = (workdir / "digest.md").read_bytes()
    assert "feeds: 0 new articles stored" not in first.stdout
    # the config it prints for browsing finds the database it filled, creating none
    assert f"browse:   mediamon serve --config {workdir / 'config'}" in first.stdout
    found = run_mediamon("search", "--config", str(workdir / "config"), "Belgorod")
    assert "Belgorod" in found.stdout
    assert not (workdir / "config" / "mediamon.sqlite").exists()

    second = run_mediamon("demo", "--workdir", str(workdir), timeout=280)
    assert "feeds: 0 new articles stored" in second.stdout
    assert stored(database) == after_first  # no row added, none marked an exact copy
    assert len({url for _, url, _ in after_first}) == len(after_first)
    assert (workdir / "digest.md").read_bytes() == first_digest
    assert b"(exact copy)" not in first_digest


def test_demo_says_so_when_its_recorded_ports_are_taken(tmp_path: Path) -> None:
    workdir = tmp_path / "demo"
    workdir.mkdir()
    with socket.socket() as squatter:
        squatter.bind((WORLD_HOST, 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        (workdir / "world-port").write_text(f"{port}\n")
        result = run_mediamon("demo", "--workdir", str(workdir), check=False)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"Error: cannot serve the outlet world on ports {port} and up,")
    assert f"where the demo in {workdir} served it before" in line
    assert not (workdir / "mediamon.sqlite").exists()
