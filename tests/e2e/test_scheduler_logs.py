"""Scheduled runs keep their logs: the scheduler crawls an outlet whose host is dead, and
`mediamon status --run ID` (and the list of failures) shows why the run failed, from the run's
own log under logs_dir (relative to the config directory)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from mediamon.core.models import Run
from tests.support import run_mediamon
from tests.support.scheduler import runs_of, scheduler_process, wait_until, write_yaml

DEAD_FEED = "http://127.0.0.1:9/feed.xml"  # nothing listens on the discard port
RUN_NAME = "crawl:feeds:deadhost"


def test_status_shows_why_a_scheduled_crawl_of_a_dead_host_failed(
    world: Any, world_config: Path, tmp_path: Path
) -> None:
    _schedule_a_dead_outlet(world_config)
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    with scheduler_process(world_config, url, tmp_path / "scheduler.log") as scheduler:
        ended = f"{RUN_NAME}: exited (exit code"
        wait_until(lambda: ended in scheduler.text(), 60, "a crawl of the dead host ended")
        assert scheduler.stop() == 0

    run = _finished(url)[0]
    assert (run.outcome, run.errors) == ("nothing_collected", ["1 of 1 sources failed"])
    assert run.log_path is not None
    log = Path(run.log_path)
    assert log.parent == world_config / "logs" and log.is_file()

    shown = run_mediamon(
        "status", "--config", str(world_config), "--database-url", url, "--run", str(run.id)
    )
    assert f"run {run.id}: {RUN_NAME}  nothing_collected" in shown.stdout
    assert f"errors:\n  {run.errors[0]}\n" in shown.stdout
    assert f"log: {log} (" in shown.stdout
    explaining = shown.stdout.split(f"log: {log}", 1)[1]
    assert "Connection was refused" in explaining
    assert f"outlet deadhost: download error at {DEAD_FEED}: Connection was refused" in explaining

    status = run_mediamon("status", "--config", str(world_config), "--database-url", url)
    failures = status.stdout.split("recent failures:", 1)[1].split("alerts", 1)[0]
    assert f"run {run.id}  {RUN_NAME}  nothing_collected: {run.errors[0]}" in failures
    assert "Connection was refused" in failures


def _schedule_a_dead_outlet(config: Path) -> None:
    outlets = yaml.safe_load((config / "outlets.yaml").read_text(encoding="utf-8"))
    dead = {"id": "deadhost", "name": "Dead host", "homepage": "http://127.0.0.1:9/"}
    outlets["outlets"] = [dead | {"feeds": [DEAD_FEED], "schedule": "*/3 * * * * *"}]
    write_yaml(config / "outlets.yaml", outlets)
    settings = {"timezone": "UTC", "digest": {"schedule": "0 7 1 1 *"}}
    write_yaml(config / "settings.yaml", settings | {"crawling": {"crawl_processes": 1}})


def _finished(url: str) -> list[Run]:
    return [run for run in runs_of(url, RUN_NAME) if run.finished_at is not None]
