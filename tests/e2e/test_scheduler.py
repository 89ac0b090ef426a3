"""`mediamon run` as a real process: schedules, isolation of crashing and hanging crawls, clean
stops, catch-up after a crash of the scheduler itself, and config reloads.

The crawls here are tests/support/scripts/fake_crawl.py, started through the real scheduler code
path (``scheduler.crawl_command``); a crawl of the outlet world is in test_scheduler_world.py.
Sub-minute schedules use the optional seconds field of mediamon's cron expressions.
"""

from __future__ import annotations

import re
import signal
import time
from datetime import UTC, datetime, timedelta
from functools import partial
from itertools import pairwise
from pathlib import Path

from mediamon.core.models import Run
from mediamon.core.names import CRAWL_SPIDERS, crawl_run_name
from mediamon.core.settings_models import SchedulerSettings
from mediamon.ops.jobs import crawl_command
from tests.support.scheduler import (
    fake_crawl_settings,
    fake_outlets,
    runs_of,
    scheduler_process,
    wait_until,
    write_config,
    write_yaml,
)

EVERY_SECOND = "* * * * * *"


def test_crashing_hanging_and_slow_crawls_never_stop_the_others(tmp_path: Path) -> None:
    # Outlets sharing a schedule share a crawl process, so each gets a schedule of its own.
    outlets = fake_outlets(
        {
            "crash": "*/2 * * * * *",
            "hang": "*/3 * * * * *",
            "slow": EVERY_SECOND,
            "hog": "*/5 * * * * *",
        }
    )
    settings = fake_crawl_settings(crawl_time_limit=4, stop_grace=1, crawl_memory_limit_mb=512)
    config = write_config(tmp_path / "config", outlets, settings)
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    with scheduler_process(config, url, tmp_path / "run.log") as scheduler:
        wait_until(lambda: len(_finished(url, "slow")) >= 2, 25, "two slow runs finished")
        wait_until(lambda: len(_finished(url, "hang")) >= 1, 10, "a hung run was stopped")
        wait_until(lambda: len(_crashed(url)) >= 2, 20, "two crashed runs recorded")
        assert scheduler.stop() == 0

    crashes = runs_of(url, "crawl:feeds:crash")
    assert [run.outcome for run in crashes[:2]] == ["crashed", "crashed"]
    assert {run.outcome for run in crashes} <= {"crashed", "stopped"}  # stopped: by the SIGTERM
    assert any("crashed on purpose" in line for line in crashes[0].errors)
    hung = _finished(url, "hang")[0]
    assert hung.outcome == "timeout"
    # started_at is when the child recorded its start, a moment after it was spawned
    assert 2 <= (_end(hung) - hung.started_at).total_seconds() < 4 + 1 + 2
    assert "out-of-memory" in {run.outcome for run in runs_of(url, "crawl:feeds:hog")}
    slow = _finished(url, "slow")
    assert slow and all(later.started_at >= _end(earlier) for earlier, later in pairwise(slow))
    assert "--outlet hang) exceeded its time limit of 4.0s" in scheduler.text()
    assert "skipped: maximum number of running instances reached" in scheduler.text()
    for job in ("crash", "hang", "slow", "hog"):
        assert "running" not in {run.outcome for run in runs_of(url, f"crawl:feeds:{job}")}


def test_sigterm_stops_running_crawls_then_kills_the_stubborn(tmp_path: Path) -> None:
    outlets = fake_outlets({"graceful": EVERY_SECOND, "stubborn": "*/2 * * * * *"})
    config = write_config(tmp_path / "config", outlets, fake_crawl_settings(stop_grace=2))
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    with scheduler_process(config, url, tmp_path / "run.log") as scheduler:
        for job in ("graceful", "stubborn"):
            wait_until(partial(runs_of, url, f"crawl:feeds:{job}"), 20, f"{job} started")
        time.sleep(0.5)  # let both install their SIGTERM handlers
        started = time.monotonic()
        assert scheduler.stop(signal.SIGTERM) == 0
        assert time.monotonic() - started < 8
    graceful, stubborn = runs_of(url, "crawl:feeds:graceful"), runs_of(url, "crawl:feeds:stubborn")
    assert [run.outcome for run in graceful + stubborn] == ["stopped", "stopped"]
    assert graceful[0].finished_at is not None and stubborn[0].finished_at is not None
    assert "did not stop within 2s; killing it" in scheduler.text()
    assert "scheduler stopped" in scheduler.text()


def test_after_kill_9_a_missed_run_happens_once_and_the_digest_is_not_lost(
    tmp_path: Path,
) -> None:
    # every 10 s, restarted 0.2 s after a due time: the restarted scheduler has 9.8 s to come up
    # before the next due time, however slow the tests running beside it make it
    every_10s = "*/10 * * * * *"
    settings = fake_crawl_settings(misfire_grace_time=60)
    settings["digest"] = {"schedule": every_10s, "output_dir": str(tmp_path / "digests")}
    config = write_config(tmp_path / "config", fake_outlets({"ok": every_10s}), settings)
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    with scheduler_process(config, url, tmp_path / "first.log") as first:
        wait_until(lambda: runs_of(url, "digest"), 30, "the first digest ran")
        first.process.kill()
        first.process.wait()
    # Restart just after a due time, with at least two due times of each job missed.
    _sleep_until_second(0.2, at_least=21, period=10)
    restarted_at = datetime.now(UTC)
    with scheduler_process(config, url, tmp_path / "second.log") as second:

        def digest_written_again() -> bool:
            return any(run.started_at > restarted_at for run in _finished(url, "digest"))

        wait_until(digest_written_again, 30, "the digest ran after the restart")
        second.stop()
    missed = [(job, due) for job, due in _due_times(second.text()) if due < restarted_at]
    assert sorted(job for job, _ in missed) == ["crawl:*/10 * * * * *", "digest"]
    assert all(restarted_at - due < timedelta(seconds=4) for _, due in missed)  # the latest
    assert list((tmp_path / "digests").glob("digest-*.md"))


def test_a_bad_config_on_reload_keeps_the_running_one(tmp_path: Path) -> None:
    outlets = fake_outlets({"ok": EVERY_SECOND})
    config = write_config(tmp_path / "config", outlets, fake_crawl_settings())
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    with scheduler_process(config, url, tmp_path / "run.log") as scheduler:
        wait_until(lambda: runs_of(url, "crawl:feeds:ok"), 20, "the first crawl ran")
        broken = fake_outlets({"ok": EVERY_SECOND, "new": "every minute"})
        write_yaml(config / "outlets.yaml", broken)
        wait_until(lambda: "configuration not reloaded" in scheduler.text(), 10, "reload refused")
        count = len(runs_of(url, "crawl:feeds:ok"))
        wait_until(lambda: len(runs_of(url, "crawl:feeds:ok")) > count + 1, 10, "crawls go on")
        write_yaml(
            config / "outlets.yaml", fake_outlets({"ok": EVERY_SECOND, "new": "*/2 * * * * *"})
        )
        scheduler.process.send_signal(signal.SIGHUP)
        wait_until(lambda: _finished(url, "new"), 15, "the added outlet was crawled")
        scheduler.stop()
    log = scheduler.text()
    assert "outlets[1] (id 'new'): field 'schedule'" in log
    assert "'every minute' is not a cron expression" in log
    assert runs_of(url, "crawl:feeds:new")[0].outcome == "ok"


def _end(run: Run) -> datetime:
    assert run.finished_at is not None, f"run {run.id} of {run.job} is unfinished"
    return run.finished_at


def _finished(url: str, job: str) -> list[Run]:
    job = job if job == "digest" else f"crawl:feeds:{job}"
    return [run for run in runs_of(url, job) if run.finished_at is not None]


def _crashed(url: str) -> list[Run]:
    return [run for run in runs_of(url, "crawl:feeds:crash") if run.outcome == "crashed"]


def _due_times(log: str) -> list[tuple[str, datetime]]:
    """(job id, due time) of every run the scheduler submitted, from its log."""
    found = re.findall(r"job (.+?): run due at (\S+) \(", log)
    return [(job, datetime.fromisoformat(due)) for job, due in found]


def _sleep_until_second(offset: float, at_least: float, period: int) -> None:
    """Sleep at least ``at_least`` seconds, ending ``offset`` s after a multiple of ``period``."""
    target = time.time() + at_least
    target += (offset - target % period) % period
    time.sleep(target - time.time())


def test_a_scheduled_crawl_stops_itself_a_grace_period_before_it_would_be_killed() -> None:
    settings = SchedulerSettings.model_validate({"crawl_time_limit": 600, "stop_grace": 30})
    command = crawl_command(settings, Path("config"), ["meduza-en"])
    assert command[command.index("--time-limit") + 1] == "570"
    assert command[-2:] == ["--outlet", "meduza-en"]


def test_a_crawl_killed_after_each_spider_started_leaves_no_run_running(tmp_path: Path) -> None:
    # once a minute: the run is settled by the scheduler, not by the start of the next run; due
    # far enough ahead that a scheduler slowed by the other tests running beside it is up by then
    second = (datetime.now(UTC) + timedelta(seconds=10)).second
    outlets = fake_outlets({"spiders": f"{second} * * * * *"})
    settings = fake_crawl_settings(crawl_time_limit=2, stop_grace=1)
    config = write_config(tmp_path / "config", outlets, settings)
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    with scheduler_process(config, url, tmp_path / "run.log") as scheduler:
        wait_until(lambda: len(_finished(url, "spiders")) >= 1, 30, "a hung crawl was stopped")
        assert scheduler.stop() == 0
    for spider in CRAWL_SPIDERS:
        runs = runs_of(url, crawl_run_name(spider, ["spiders"]))
        assert runs, f"the fake crawl recorded no {spider} run"
        assert "running" not in {run.outcome for run in runs}, (spider, runs)
