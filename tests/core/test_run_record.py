"""One run-recording API: RunRecord for a job's own run, ChildRuns for a child's."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from mediamon.core.db import open_database
from mediamon.core.models import Run
from mediamon.core.runs import ChildRuns, RunRecord, crawl_outcome


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    return open_database(f"sqlite:///{tmp_path}/mediamon.sqlite")


def stored(engine: Engine, run_id: int) -> Run:
    with Session(engine) as session:
        run = session.get(Run, run_id)
        assert run is not None
        return run


def test_a_run_is_running_until_finished(engine: Engine) -> None:
    record = RunRecord.start(engine, "digest")
    assert stored(engine, record.id).outcome == "running"
    record.finish("ok", {"articles": 3})
    run = stored(engine, record.id)
    assert (run.job, run.outcome, run.counts, run.errors) == ("digest", "ok", {"articles": 3}, [])
    assert run.finished_at is not None


def test_a_failed_run_keeps_the_error(engine: Engine) -> None:
    record = RunRecord.start(engine, "digest")
    record.fail(ValueError("no such topic"), {"topic": "x"})
    run = stored(engine, record.id)
    assert (run.outcome, run.counts, run.errors) == ("failed", {"topic": "x"}, ["no such topic"])


def test_a_crawl_run_keeps_its_own_stats_and_counts_errors(engine: Engine) -> None:
    record = RunRecord.start(engine, "crawl:feeds:all")
    stats = {"mediamon/store/new": 4, "item_scraped_count": 5, "log_count/ERROR": 2, "x": 1}
    record.finish_crawl("finished", stats, ["shard 1 died"])
    run = stored(engine, record.id)
    assert run.outcome == "errors"
    assert run.counts == {"mediamon/store/new": 4, "item_scraped_count": 5}
    assert run.errors == ["2 errors logged", "shard 1 died"]


SOURCES = "mediamon/sources/"


@pytest.mark.parametrize(
    ("reason", "stats", "outcome"),
    [
        ("finished", {}, "ok"),
        ("finished", {"log_count/ERROR": 1}, "errors"),
        ("shutdown", {}, "shutdown"),
        ("finished", {SOURCES + "answered": 3}, "ok"),
        ("finished", {SOURCES + "answered": 3, SOURCES + "failed": 1}, "sources_failed"),
        ("finished", {SOURCES + "failed": 4}, "nothing_collected"),
        ("finished", {SOURCES + "answered": 3, "mediamon/store/failed": 2}, "not_stored"),
        ("closespider_timeout", {SOURCES + "failed": 4}, "closespider_timeout"),
    ],
)
def test_crawl_outcome(reason: str, stats: dict[str, int], outcome: str) -> None:
    assert crawl_outcome(reason, stats) == outcome


def test_a_crawl_run_says_how_many_sources_failed(engine: Engine) -> None:
    record = RunRecord.start(engine, "crawl:feeds:all")
    record.finish_crawl("finished", {SOURCES + "answered": 9, SOURCES + "failed": 3})
    run = stored(engine, record.id)
    assert (run.outcome, run.errors) == ("sources_failed", ["3 of 12 sources failed"])


def test_child_runs_settle_only_the_runs_started_after_them(engine: Engine) -> None:
    earlier = RunRecord.start(engine, "crawl:feeds:all")
    child = ChildRuns(engine, ["crawl:feeds:all"])
    own = RunRecord.start(engine, "crawl:feeds:all")
    (settled,) = child.settle("timeout", ["stopped at its limit"])
    assert settled.id == own.id and settled.outcome == "timeout"
    assert stored(engine, earlier.id).outcome == "running"


def test_child_runs_record_a_child_that_recorded_nothing(engine: Engine) -> None:
    (settled,) = ChildRuns(engine, ["digest"]).settle("crashed", ["exit code 1"])
    assert (settled.job, settled.outcome) == ("digest", "crashed")
