"""No loss: a crawl killed, or one that cannot write its database, never makes a later crawl
skip an article. Real crawl processes, real SQLite files, the local outlet world."""

from __future__ import annotations

import os
import resource
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from mediamon.core.db import open_database
from tests.support import REPO, run_mediamon

DEADLINE = 180.0


def clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("MEDIAMON_")}


def crawl_args(config: Path, url: str, *extra: str) -> list[str]:
    return ["crawl", "--config", str(config), "--database-url", url, *extra]


def stored_urls(database: Path) -> set[str]:
    with closing_db(database) as connection:
        return {url for (url,) in connection.execute("SELECT url FROM articles")}


@contextmanager
def closing_db(database: Path) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30)
    try:
        yield connection
    finally:
        connection.close()


def read_feeds(database: Path) -> set[str]:
    """The feeds whose validators are saved: the crawl took them as read in full."""
    with closing_db(database) as connection:
        query = "SELECT url FROM feeds WHERE etag IS NOT NULL OR last_modified IS NOT NULL"
        return {url for (url,) in connection.execute(query)}


def wait_for(condition: Any, process: subprocess.Popen[Any], interval: float = 0.005) -> bool:
    """Poll ``condition`` until it holds (True) or the process ends first (False)."""
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        try:
            if condition():
                return True
        except sqlite3.OperationalError:  # the file or its tables are being created
            pass
        if process.poll() is not None:
            return bool(condition())
        time.sleep(interval)
    raise AssertionError("the crawl neither got there nor ended")


def start_crawl(config: Path, url: str, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "mediamon", *crawl_args(config, url, *extra)],
        cwd=REPO,
        env=clean_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_killed_right_after_a_feed_is_saved_as_read_loses_nothing(
    world: Any, world_config: Path, tmp_path: Path
) -> None:
    database = tmp_path / "m.sqlite"
    url = f"sqlite:///{database}"
    open_database(url).dispose()
    with world.slowed(0.05):
        crawl = start_crawl(world_config, url)
        caught = wait_for(lambda: bool(read_feeds(database)), crawl)
        crawl.kill()
        crawl.communicate(timeout=60)
    assert caught, "the crawl ended before any feed was saved as read"
    listed = {url: outlet for outlet in world.outlets for url in outlet.feed_urls}
    # Every feed saved as read at the moment of the kill had every article it lists stored.
    stored = stored_urls(database)
    read = read_feeds(database)
    assert read, "no feed was saved as read"
    for feed in read:
        outlet = listed[feed]
        missing = {a.url for a in outlet.latest(outlet.spec.feed_size)} - stored
        assert not missing, f"{feed} was saved as read, yet {sorted(missing)} are not stored"
    run_mediamon(*crawl_args(world_config, url))
    assert stored_urls(database) == {article.url for article in world.articles}


def test_a_write_lock_held_past_the_busy_timeout_fails_the_articles_then_they_are_stored(
    world: Any, world_config: Path, tmp_path: Path
) -> None:
    database = tmp_path / "m.sqlite"
    url = f"sqlite:///{database}?timeout=1"
    open_database(url).dispose()
    with world.slowed(0.5):
        crawl = start_crawl(world_config, url, "--processes", "1")
        assert wait_for(lambda: run_started(database), crawl, interval=0.002)
        holder = sqlite3.connect(database, isolation_level=None, timeout=30)
        holder.execute("BEGIN IMMEDIATE")  # another process writing, for longer than 1 s
        try:
            stdout, stderr = crawl.communicate(timeout=DEADLINE)
        finally:
            holder.execute("ROLLBACK")
            holder.close()
    assert crawl.returncode != 0, stdout + stderr
    assert "Traceback" not in stderr, stderr
    logged = [line for line in stderr.splitlines() if "database is locked" in line]
    assert len([line for line in logged if not line.startswith("Error:")]) == 1, stderr
    assert [line for line in logged if line.startswith("Error: the crawl stopped early")], stderr
    assert "(finished: db_unwritable)" in stdout
    assert "0 articles failed" not in stdout and "not stored" in stdout
    assert not read_feeds(database)
    run_mediamon(*crawl_args(world_config, url))
    assert stored_urls(database) == {article.url for article in world.articles}


def run_started(database: Path) -> bool:
    with closing_db(database) as connection:
        return bool(connection.execute("SELECT count(*) FROM runs").fetchone()[0])


def test_a_full_disk_stops_the_crawl_at_once_with_one_line(
    world: Any, world_config: Path, tmp_path: Path
) -> None:
    database = tmp_path / "m.sqlite"
    url = f"sqlite:///{database}"
    open_database(url).dispose()
    script = REPO / "tests" / "support" / "scripts" / "full_disk_crawl.py"
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, str(script), "2", *crawl_args(world_config, url, "--processes", "1")],
        cwd=REPO,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=DEADLINE,
    )
    assert result.returncode != 0, result.stdout + result.stderr
    assert time.monotonic() - started < 60
    assert "Traceback" not in result.stderr, result.stderr
    logged = [line for line in result.stderr.splitlines() if "database or disk is full" in line]
    assert len([line for line in logged if not line.startswith("Error:")]) == 1, result.stderr
    assert [line for line in logged if line.startswith("Error: the crawl stopped early")]
    assert not stored_urls(database) and not read_feeds(database)


@pytest.mark.parametrize("processes", ["1", "2"])
def test_a_file_size_limit_stops_the_crawl_with_one_line_per_process(
    world: Any, world_config: Path, tmp_path: Path, processes: str
) -> None:
    database = tmp_path / "m.sqlite"
    url = f"sqlite:///{database}"
    open_database(url).dispose()
    limit = database.stat().st_size + 64 * 1024  # a few batches of articles, not all

    def limit_file_size() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past it fails instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mediamon",
            *crawl_args(world_config, url, "--processes", processes),
        ],
        cwd=REPO,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=DEADLINE,
        preexec_fn=limit_file_size,
    )
    assert result.returncode != 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    logged = [line for line in result.stderr.splitlines() if "cannot write to the database" in line]
    assert 1 <= len([line for line in logged if not line.startswith("Error:")]) <= int(processes)
    assert [line for line in logged if line.startswith("Error: the crawl stopped early")]
    run_mediamon(*crawl_args(world_config, url))
    assert stored_urls(database) == {article.url for article in world.articles}


@pytest.mark.parametrize("processes", ["1", "2"])
def test_a_crawl_started_under_another_process_write_lock_stops_with_one_line(
    world: Any, world_config: Path, tmp_path: Path, processes: str
) -> None:
    database = tmp_path / "m.sqlite"
    url = f"sqlite:///{database}?timeout=1"
    open_database(url).dispose()
    holder = sqlite3.connect(database, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        result = run_mediamon(*crawl_args(world_config, url, "--processes", processes), check=False)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.returncode != 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    logged = [line for line in result.stderr.splitlines() if "database is locked" in line]
    assert 1 <= len([line for line in logged if not line.startswith("Error:")]) <= int(processes)
    assert [line for line in logged if line.startswith("Error: the crawl stopped early")]
    assert not stored_urls(database)
    run_mediamon(*crawl_args(world_config, url))
    assert stored_urls(database) == {article.url for article in world.articles}
