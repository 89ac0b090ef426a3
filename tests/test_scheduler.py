"""`mediamon run` as a real process: schedules, isolation of crashing and hanging crawls, clean
stops, catch-up after a crash of the scheduler itself, and config reloads.

The crawls here are tests/scripts/fake_crawl.py, started through the real scheduler code path
(``scheduler.crawl_command``); a crawl of the outlet world is in test_scheduler_world.py. Sub-minute
schedules use the optional seconds field of mediamon's cron expressions.
"""

from __future__ import annotations

import signal
import time
from datetime import datetime
from functools import partial
from itertools import pairwise
from pathlib import Path

from mediamon.db import Run
from tests.scheduler_helpers import (
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
    assert all(later.started_at >= _end(earlier) for earlier, later in pairwise(slow))
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
    every_6s = "*/6 * * * * *"
    settings = fake_crawl_settings(misfire_grace_time=60)
    settings["digest"] = {"schedule": every_6s, "output_dir": str(tmp_path / "digests")}
    config = write_config(tmp_path / "config", fake_outlets({"ok": every_6s}), settings)
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    with scheduler_process(config, url, tmp_path / "first.log") as first:
        wait_until(lambda: runs_of(url, "crawl:feeds:ok"), 20, "the first crawl ran")
        first.process.kill()
        first.process.wait()
    _sleep_until_second(2, at_least=13)  # two fire times missed; the next is 4 s after restart
    restarted_at = time.time()
    with scheduler_process(config, url, tmp_path / "second.log") as second:
        _sleep_until_second(5.5, at_least=3)
        log = second.text()

        def digest_written() -> bool:
            return [run.outcome for run in runs_of(url, "digest")] == ["ok"]

        wait_until(digest_written, 20, "the digest was written")
        second.stop()
    assert log.count("--outlet ok") == 1, log
    assert log.count(" digest --config ") == 1, log
    after_restart = [
        r for r in runs_of(url, "crawl:feeds:ok") if r.started_at.timestamp() > restarted_at
    ]
    assert len(after_restart) == 1
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
        wait_until(lambda: runs_of(url, "crawl:feeds:new"), 15, "the added outlet is crawled")
        scheduler.stop()
    log = scheduler.text()
    assert "outlets[1] (id 'new'): field 'schedule'" in log
    assert "'every minute' is not a cron expression" in log
    assert runs_of(url, "crawl:feeds:new")[0].outcome == "ok"


def _end(run: Run) -> datetime:
    assert run.finished_at is not None, f"run {run.id} of {run.job} is unfinished"
    return run.finished_at


def _finished(url: str, outlet: str) -> list[Run]:
    return [run for run in runs_of(url, f"crawl:feeds:{outlet}") if run.finished_at is not None]


def _sleep_until_second(offset: float, at_least: float, period: int = 6) -> None:
    """Sleep at least ``at_least`` seconds, ending ``offset`` s after a multiple of ``period``."""
    target = time.time() + at_least
    target += (offset - target % period) % period
    time.sleep(target - time.time())
