"""The output of each scheduled run, kept in a log file of its own under ``logs_dir``.

A child's output (stdout and stderr together) goes through a :class:`RunLog` into
``logs_dir/run-<UTC start>-<job>.log``, up to ``scheduler.run_log_max_mb``: past that the
beginning stays, the middle is left out (one line says how much) and the end is written when
the run ends, so both how a run started and how it ended are kept. The scheduler records the
path on the run (``runs.log_path``), and :func:`prune_run_logs` removes the oldest logs beyond
``scheduler.run_logs_keep`` files or ``run_logs_max_total_mb`` in all.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections import deque
from pathlib import Path
from typing import IO

from mediamon.core.config_models import SchedulerSettings
from mediamon.core.models import utcnow

logger = logging.getLogger(__name__)

LOG_GLOB = "run-*.log"
MEGABYTE = 1024 * 1024
# Of a log that reaches its cap, the share kept from its end (the rest is its beginning).
TAIL_SHARE = 0.25
# The last lines of output a run's record quotes when its process ended badly.
RECENT_LINES = 15
# Longer lines are read (and, past the cap, left out) in pieces of this size.
LINE_PIECE = 64 * 1024
UNSAFE_IN_NAMES = re.compile(r"[^A-Za-z0-9_.-]+")


class RunLog:
    """Where one run's output goes: its log file, capped at ``max_bytes``, and its last lines.

    ``path`` is None when the file could not be created; the last lines are kept all the same.
    """

    def __init__(self, path: Path | None, max_bytes: int) -> None:
        self.path = path
        self._file: IO[bytes] | None = path.open("wb") if path is not None else None
        self._head_left = int(max_bytes * (1 - TAIL_SHARE))
        self._head_full = False
        self._tail_budget = max_bytes - self._head_left
        self._tail: deque[bytes] = deque()
        self._tail_bytes = 0
        self._left_out = [0, 0]  # lines, bytes
        self.recent: deque[str] = deque(maxlen=RECENT_LINES)

    def write(self, line: bytes) -> None:
        text = line.decode("utf-8", "replace").rstrip()
        if text.strip():
            self.recent.append(text)
        if not self._head_full and len(line) <= self._head_left:
            self._head_left -= len(line)
            self._put([line])
            return
        self._head_full = True
        self._tail.append(line)
        self._tail_bytes += len(line)
        while self._tail_bytes > self._tail_budget:
            dropped = self._tail.popleft()
            self._tail_bytes -= len(dropped)
            self._left_out[0] += 1
            self._left_out[1] += len(dropped)

    def close(self) -> None:
        lines, size = self._left_out
        if lines:
            note = (
                f"[mediamon: {lines} lines ({size / MEGABYTE:.1f} MB) of this run's output are "
                "left out here: a run's log keeps at most scheduler.run_log_max_mb]\n"
            )
            self._put([note.encode()])
        self._put(list(self._tail))
        if self._file is not None:
            with contextlib.suppress(OSError):
                self._file.close()

    def copy_from(self, stream: IO[bytes]) -> None:
        """Write everything ``stream`` says, to its end; then close both."""
        try:
            for line in iter(lambda: stream.readline(LINE_PIECE), b""):
                self.write(line)
        finally:
            stream.close()
            self.close()

    def _put(self, lines: list[bytes]) -> None:
        if self._file is None:
            return
        try:
            self._file.writelines(lines)
            self._file.flush()
        except OSError as exc:  # a full disk: the run goes on, its log stops here
            logger.warning("cannot write the run log %s: %s", self.path, exc)
            with contextlib.suppress(OSError):
                self._file.close()
            self._file = None


def open_run_log(directory: Path, job: str, settings: SchedulerSettings) -> RunLog:
    """A new log of a run of ``job`` in ``directory`` (created if need be)."""
    max_bytes = int(settings.run_log_max_mb * MEGABYTE)
    path = directory / run_log_name(job)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        return RunLog(path, max_bytes)
    except OSError as exc:
        logger.warning("cannot keep the output of this run of %s: %s", job, exc)
        return RunLog(None, max_bytes)


def run_log_name(job: str) -> str:
    """``run-<UTC time, to the microsecond>-<job>.log``: names sort by start time."""
    slug = UNSAFE_IN_NAMES.sub("-", job).strip("-")[:80]
    return f"run-{utcnow():%Y%m%dT%H%M%S.%fZ}-{slug}.log"


def prune_run_logs(directory: Path, settings: SchedulerSettings) -> list[Path]:
    """Remove the oldest run logs beyond ``run_logs_keep`` or ``run_logs_max_total_mb``;
    return those removed."""
    budget = settings.run_logs_max_total_mb * MEGABYTE
    kept, total, removed = 0, 0, []
    for path in sorted(directory.glob(LOG_GLOB), reverse=True):
        size = _size(path)
        if kept < settings.run_logs_keep and total + size <= budget:
            kept, total = kept + 1, total + size
            continue
        try:
            path.unlink()
        except FileNotFoundError:
            continue
        except OSError as exc:
            logger.warning("cannot remove the old run log %s: %s", path, exc)
            continue
        removed.append(path)
    return removed


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0
