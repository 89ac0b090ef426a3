"""Run logs: a child's output kept whole up to the cap, then its beginning and its end; old logs
rotated away by count and total size; the lines that explain a failure picked out."""

from __future__ import annotations

import sys
from pathlib import Path

from mediamon.core.settings_models import SchedulerSettings
from mediamon.ops.run_log_lines import explaining_lines, read_explaining_lines
from mediamon.ops.run_logs import RunLog, prune_run_logs
from mediamon.ops.supervise import Limits, run_supervised
from tests.support import PROJECT_CONFIG, run_mediamon

MEGABYTE = 1024 * 1024


def test_a_childs_output_beyond_the_cap_keeps_its_beginning_and_its_end(tmp_path: Path) -> None:
    chatty = "for i in range(5000): print(f'line {i:05d}', flush=True)\nraise SystemExit(7)"
    log = RunLog(tmp_path / "run-x.log", max_bytes=4000)
    result = run_supervised([sys.executable, "-c", chatty], Limits(60, None, 1), output=log)
    assert result.outcome == "crashed" and result.returncode == 7
    assert result.stderr_tail[-1] == "line 04999"
    lines = (tmp_path / "run-x.log").read_text().splitlines()
    assert lines[0] == "line 00000" and lines[-1] == "line 04999"
    [note] = [line for line in lines if line.startswith("[mediamon: ")]
    assert "lines (0.0 MB) of this run's output are left out here" in note
    kept = [int(line.split()[1]) for line in lines if line != note]
    assert kept == sorted(kept) and len(kept) < 5000
    assert (tmp_path / "run-x.log").stat().st_size <= 4000 + len(note) + 1


def test_a_childs_output_under_the_cap_is_kept_whole(tmp_path: Path) -> None:
    script = "import sys; print('out'); print('err', file=sys.stderr)"
    log = RunLog(tmp_path / "run-y.log", max_bytes=MEGABYTE)
    result = run_supervised([sys.executable, "-c", script], Limits(60, None, 1), output=log)
    assert result.exited_cleanly
    assert sorted((tmp_path / "run-y.log").read_text().splitlines()) == ["err", "out"]


def test_the_oldest_logs_beyond_the_count_or_the_total_size_are_removed(tmp_path: Path) -> None:
    names = [f"run-20261130T1600{second:02d}.000000Z-crawl-feeds-all.log" for second in range(6)]
    for name in names:
        (tmp_path / name).write_bytes(b"x" * 100)
    (tmp_path / "notes.txt").write_text("not a run log")
    by_count = SchedulerSettings.model_validate({"run_logs_keep": 4, "run_log_max_mb": 0.0001})
    removed = prune_run_logs(tmp_path, by_count)
    assert sorted(path.name for path in removed) == names[:2]
    by_size = SchedulerSettings.model_validate(
        {"run_logs_max_total_mb": 250 / MEGABYTE, "run_log_max_mb": 0.0001}
    )
    assert [path.name for path in prune_run_logs(tmp_path, by_size)] == [names[3], names[2]]
    assert sorted(path.name for path in tmp_path.iterdir()) == ["notes.txt", *names[4:]]


def test_the_explaining_lines_are_warnings_errors_and_the_exceptions_of_tracebacks() -> None:
    log = [
        "2026-11-30 16:00:00 [scrapy.core.engine] INFO: Spider opened",
        "2026-11-30 16:00:01 [scrapers.spiders.feeds] WARNING: feed http://a/ failed: timeout",
        "Traceback (most recent call last):",
        '  File "x.py", line 1, in <module>',
        "    raise RuntimeError('crashed on purpose')",
        "RuntimeError: crashed on purpose",
        "2026-11-30 16:00:02 ERROR mediamon.crawl.run: a crawl process died",
        "Error: cannot open the database sqlite:////x.sqlite: disk I/O error",
        "an ERRORS_SEEN counter, not a level",
    ]
    assert list(explaining_lines(log)) == [log[1], log[5], log[6], log[7]]


def test_a_rotated_log_is_said_to_be_gone(tmp_path: Path) -> None:
    gone = read_explaining_lines(str(tmp_path / "run-gone.log"))
    assert gone.lines == [] and gone.missing is not None and "rotated" in gone.missing
    assert read_explaining_lines(None).missing is not None


def test_status_of_an_unknown_run_is_one_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    run_mediamon("retag", "--config", str(PROJECT_CONFIG), "--database-url", url)  # creates it
    result = run_mediamon(
        "status", "--config", str(PROJECT_CONFIG), "--database-url", url, "--run", "42", check=False
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == ["Error: no run 42 is recorded in this database"]


def test_a_child_saying_some_sources_failed_is_not_called_a_crash(tmp_path: Path) -> None:
    # Exit 3 and 4 say the crawl recorded its runs (some or every source failed) itself.
    for code in (3, 4):
        log = RunLog(tmp_path / f"run-{code}.log", max_bytes=MEGABYTE)
        script = f"raise SystemExit({code})"
        result = run_supervised([sys.executable, "-c", script], Limits(60, None, 1), output=log)
        assert result.exited_cleanly and result.returncode == code
