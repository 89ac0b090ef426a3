"""A run whose process was killed outright (SIGKILL) is settled as 'killed' by the next command
on the same host, and `mediamon status` lists it among the recent failures."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from mediamon.core.db import open_database
from mediamon.core.models import Run, utcnow
from mediamon.core.runs import (
    finish_run,
    process_exists,
    settle_child_runs,
    settle_killed_runs,
    start_run,
)
from mediamon.world import OutletWorld
from tests.support import PROJECT_CONFIG, REPO, run_mediamon


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """On SQLite and on PostgreSQL (the ``database_url`` fixture)."""
    engine = open_database(database_url)
    yield engine
    engine.dispose()


def ended_process() -> int:
    """The pid of a process that has ended (and been reaped)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def running_row(engine: Engine, pid: int | None, host: str | None = None) -> int:
    with Session(engine) as session, session.begin():
        run = Run(job="crawl:feeds:all", started_at=utcnow(), counts={}, errors=[])
        run.outcome, run.pid, run.host = "running", pid, host or socket.gethostname()
        session.add(run)
        session.flush()
        return run.id


def outcome(engine: Engine, run_id: int) -> str:
    with Session(engine) as session:
        run = session.get(Run, run_id)
        assert run is not None
        return run.outcome


def test_a_run_records_its_process(engine: Engine) -> None:
    run_id = start_run(engine, "digest")
    with Session(engine) as session:
        run = session.get(Run, run_id)
        assert run is not None
        assert (run.pid, run.host) == (os.getpid(), socket.gethostname())


def test_the_next_start_settles_runs_of_ended_processes_only(engine: Engine) -> None:
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        dead = running_row(engine, ended_process())
        living = running_row(engine, alive.pid)
        mine = running_row(engine, os.getpid())
        elsewhere = running_row(engine, ended_process(), host="another-machine")
        legacy = running_row(engine, None)
        start_run(engine, "digest")
    finally:
        alive.kill()
        alive.wait()
    assert outcome(engine, dead) == "killed"
    for run_id in (living, mine, elsewhere, legacy):
        assert outcome(engine, run_id) == "running"
    with Session(engine) as session:
        run = session.get(Run, dead)
        assert run is not None and run.finished_at is None  # when it died is unknown
        assert run.errors and "ended without finishing the run" in run.errors[0]


def test_a_zombie_has_ended() -> None:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    deadline = time.monotonic() + 10
    while process_exists(child.pid) and time.monotonic() < deadline:
        time.sleep(0.05)  # not reaped yet: a zombie once it has exited
    assert not process_exists(child.pid)
    child.wait()
    assert process_exists(os.getpid())


def test_finished_runs_are_never_settled(engine: Engine) -> None:
    run_id = running_row(engine, ended_process())
    finish_run(engine, run_id, "ok", {}, [])
    assert settle_killed_runs(engine) == []
    assert outcome(engine, run_id) == "ok"


def test_the_schedulers_verdict_replaces_a_guess_of_killed(engine: Engine) -> None:
    before = running_row(engine, os.getpid())
    run_id = running_row(engine, ended_process())
    settle_killed_runs(engine)
    assert outcome(engine, run_id) == "killed"
    settle_child_runs(engine, ["crawl:feeds:all"], before, "timeout", ["stopped at its limit"])
    assert outcome(engine, run_id) == "timeout"


@pytest.mark.e2e
def test_a_sigkilled_crawl_is_shown_killed_by_status(tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path}/crawl.sqlite"
    engine = open_database(database_url)
    with OutletWorld() as world:
        config = world.write_config(tmp_path / "config", PROJECT_CONFIG / "topics.yaml")
        crawl = start_crawl(config, database_url, tmp_path / "crawl.log")
        try:
            run_id = wait_for_running_run(engine, crawl)
            crawl.send_signal(signal.SIGKILL)
        finally:
            crawl.kill()
            crawl.wait()
    assert outcome(engine, run_id) == "running"  # nothing settled it yet
    status = run_mediamon("status", "--config", str(config), "--database-url", database_url)
    assert outcome(engine, run_id) == "killed"
    failures = status.stdout.split("recent failures:", 1)[1].split("alerts", 1)[0]
    assert "crawl:feeds:" in failures and "killed" in failures
    assert f"process {crawl.pid} on {socket.gethostname()}" in failures
    engine.dispose()


def start_crawl(config: Path, database_url: str, log: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEDIAMON_")}
    command = [sys.executable, "-m", "mediamon", "crawl", "--config", str(config)]
    with log.open("wb") as output:
        return subprocess.Popen(
            [*command, "--database-url", database_url],
            stdout=output,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=REPO,
        )


def wait_for_running_run(engine: Engine, crawl: subprocess.Popen[bytes]) -> int:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert crawl.poll() is None, "the crawl ended before it could be killed"
        with Session(engine) as session:
            run_id = session.scalar(select(Run.id).where(Run.outcome == "running"))
        if run_id is not None:
            return run_id
        time.sleep(0.05)
    raise AssertionError("the crawl recorded no running run within 60 s")
