"""Backfill of a past window through sitemaps and archives, interrupted and resumed; a backfill
that cannot store or runs out of time exits 1 with one line saying why."""

from __future__ import annotations

import sqlite3
import subprocess
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mediamon.core.db import open_database
from mediamon.core.models import ArticleRow
from tests.support import PROJECT_CONFIG, run_mediamon

SINCE, UNTIL = date(2023, 5, 22), date(2023, 5, 26)
EVENING_PARAGRAPHS = (
    "Evening trains from Moscow to the southern regions ran half empty on Wednesday, conductors "
    "said, as travellers postponed trips to the border areas until the situation became clearer.",
    "Railway officials declined to comment on the figures, saying only that the timetable for "
    "the coming week would stay unchanged and that refunds were available at every ticket office.",
    "Several passengers interviewed at Kursky station said they had relatives near the border and "
    "had been trying to reach them by phone since the morning, with mixed success so far.",
)


def in_window(world: Any) -> set[str]:
    return {a.url for a in world.articles if SINCE <= a.published.astimezone(UTC).date() <= UNTIL}


def stored(database_url: str) -> set[str]:
    with Session(open_database(database_url)) as session:
        return set(session.scalars(select(ArticleRow.url)))


def backfill(config: Path, database_url: str, *extra: str) -> str:
    return run_backfill(config, database_url, *extra).stdout


def run_backfill(
    config: Path, database_url: str, *extra: str, check: bool = True
) -> subprocess.CompletedProcess[str]:
    window = ("--since", SINCE.isoformat(), "--until", UNTIL.isoformat())
    args = ("backfill", *window, "--config", str(config), "--database-url", database_url)
    return run_mediamon(*args, *extra, check=check)


def error_lines(result: subprocess.CompletedProcess[str]) -> list[str]:
    assert "Traceback" not in result.stderr, result.stderr
    return [line for line in result.stderr.splitlines() if line.startswith("Error:")]


def test_backfill_interrupted_then_resumed_stores_exactly_the_window(
    world: Any, tmp_path: Path
) -> None:
    config = world.write_config(tmp_path / "c", PROJECT_CONFIG / "topics.yaml", discovery=True)
    database_url = f"sqlite:///{tmp_path}/b.sqlite"
    world.clear_requests()
    first = backfill(config, database_url, "--limit", "3")
    after_interruption = stored(database_url)
    first_requests = {r.url for r in world.requests}
    world.clear_requests()
    second = backfill(config, database_url)
    assert 0 < len(after_interruption) < len(in_window(world)), first
    assert stored(database_url) == in_window(world), second
    assert not after_interruption & {r.url for r in world.requests}, "stored pages fetched again"
    assert "already stored" in second and first_requests


def test_archives_alone_find_the_window_and_follow_pagination(world: Any, tmp_path: Path) -> None:
    import yaml

    config = world.write_config(tmp_path / "c", PROJECT_CONFIG / "topics.yaml", discovery=True)
    document = yaml.safe_load((config / "outlets.yaml").read_text())
    for outlet in document["outlets"]:
        outlet.pop("sitemaps")
    (config / "outlets.yaml").write_text(yaml.safe_dump(document, allow_unicode=True))
    world.site(world.outlets[0].id).update_routes({"/robots.txt": lambda _: _not_found()})
    second_that_day = datetime(2023, 5, 24, 20, 0, tzinfo=UTC)
    world.add_article(
        world.outlets[0].id,
        title="Evening update",
        paragraphs=EVENING_PARAGRAPHS,
        published=second_that_day,
        slug="evening-update",
    )
    database_url = f"sqlite:///{tmp_path}/a.sqlite"
    world.clear_requests()
    backfill(config, database_url, "--outlet", world.outlets[0].id)
    wanted = {u for u in in_window(world) if u.startswith(world.outlets[0].base_url)}
    assert stored(database_url) == wanted
    assert any("page=2" in r.url for r in world.requests)
    assert not [r.url for r in world.requests if r.path in {"/contribute", "/about"}]


def test_a_backfill_whose_database_stays_locked_exits_1_with_one_line(
    world: Any, tmp_path: Path
) -> None:
    config = world.write_config(tmp_path / "c", PROJECT_CONFIG / "topics.yaml", discovery=True)
    database = tmp_path / "locked.sqlite"
    database_url = f"sqlite:///{database}?timeout=1"
    open_database(database_url).dispose()
    holder = sqlite3.connect(database, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process writing, past the 1 s busy timeout
    try:
        result = run_backfill(config, database_url, check=False)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.returncode == 1, result.stdout + result.stderr
    (error,) = error_lines(result)
    assert error.startswith("Error: the crawl stopped early: cannot write to the database: ")
    assert "database is locked" in error and "run the backfill again" in error
    assert not stored(database_url)
    backfill(config, database_url)
    assert stored(database_url) == in_window(world)


def test_a_backfill_reaching_its_time_limit_says_so(world: Any, tmp_path: Path) -> None:
    config = world.write_config(tmp_path / "c", PROJECT_CONFIG / "topics.yaml", discovery=True)
    started = time.monotonic()
    with world.slowed(2.0):
        result = run_backfill(
            config, f"sqlite:///{tmp_path}/t.sqlite", "--time-limit", "3", check=False
        )
    assert result.returncode == 1, result.stdout + result.stderr
    assert error_lines(result) == [
        "Error: the crawl reached its time limit of 3 s (crawling.time_limit_seconds, or "
        "--time-limit) before its end; run the backfill again to fetch the rest"
    ]
    assert "finished: closespider_timeout" in result.stdout
    assert time.monotonic() - started < 60


def _not_found() -> Any:
    from mediamon.world.server import Response

    return Response(404, b"")
