"""Run one job's command in a child process, within a time and memory limit, and say how it ended.

Children start in their own session, so a Ctrl-C at the terminal reaches only the scheduler, which
then stops them in order: SIGTERM (Scrapy shuts down cleanly on the first one), a grace period,
then SIGKILL. :func:`stop_all_children` does that for every running child at shutdown.
"""

from __future__ import annotations

import contextlib
import logging
import os
import resource
import signal
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from mediamon.core.exit_codes import REPORTED_BY_RUNS
from mediamon.ops.run_logs import RunLog

logger = logging.getLogger(__name__)

# Seconds to wait, after a child ended, for the rest of its output.
OUTPUT_DRAIN_SECONDS = 5
OUT_OF_MEMORY_MARKERS = ("MemoryError", "Cannot allocate memory", "std::bad_alloc")
DESCRIPTIONS = {
    "exited": "exited",
    "crashed": "crashed",
    "out-of-memory": "ran out of memory",
    "timeout": "was stopped at its time limit",
    "stopped": "was stopped by the scheduler's shutdown",
    "not-started": "did not start",
}


@dataclass(frozen=True)
class Limits:
    """Seconds a child may run, its address-space cap (None: none), seconds it gets to stop."""

    time_limit: float
    memory_limit_mb: int | None
    stop_grace: float


@dataclass(frozen=True)
class ChildResult:
    """How a child ended.

    ``outcome`` is 'exited' (code 0, or a code saying its runs recorded how they ended, e.g.
    some sources failed), 'crashed', 'out-of-memory', 'timeout' (stopped at its time
    limit), 'stopped' (by a scheduler shutdown) or 'not-started'.
    """

    outcome: str
    returncode: int | None
    stderr_tail: list[str]
    seconds: float

    @property
    def exited_cleanly(self) -> bool:
        return self.outcome == "exited"

    def describe(self) -> str:
        code = "" if self.returncode is None else f" (exit code {self.returncode})"
        return f"{DESCRIPTIONS[self.outcome]}{code} after {self.seconds:.1f}s"


class Children:
    """The children running now, so that shutdown can stop them, and no new one starts after."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: set[subprocess.Popen[bytes]] = set()
        self._stopped: set[int] = set()
        self.stopping = threading.Event()

    def spawn(
        self, command: Sequence[str], environment: Mapping[str, str]
    ) -> subprocess.Popen[bytes] | None:
        """Start ``command``, its stdout and stderr together in its ``stdout`` pipe."""
        with self._lock:
            if self.stopping.is_set():
                return None
            child = subprocess.Popen(
                list(command),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                env={**os.environ, **environment},
            )
            self._running.add(child)
            return child

    def forget(self, child: subprocess.Popen[bytes]) -> bool:
        """Drop a finished child; True when it ended because :meth:`stop_all` stopped it."""
        with self._lock:
            self._running.discard(child)
            return child.pid in self._stopped

    def stop_all(self, grace: float) -> None:
        """Refuse new children; SIGTERM the running ones, SIGKILL those alive after ``grace``."""
        with self._lock:
            self.stopping.set()
            running = list(self._running)
            self._stopped.update(child.pid for child in running)
        for child in running:
            logger.info("stopping pid %d: %s", child.pid, _command_name(child))
            _signal_group(child, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for child in running:
            _wait_or_kill(child, max(0.0, deadline - time.monotonic()))


CHILDREN = Children()


def run_supervised(
    command: Sequence[str],
    limits: Limits,
    environment: Mapping[str, str] | None = None,
    children: Children = CHILDREN,
    output: RunLog | None = None,
) -> ChildResult:
    """Run ``command`` (``environment`` added to ours) to its end or its time limit, its output
    written to ``output`` (by default only its last lines are kept).

    Never raises for what the child does: every ending is a :class:`ChildResult`.
    """
    log = output or RunLog(None, 0)
    started = time.monotonic()
    try:
        child = children.spawn(command, environment or {})
    except OSError as exc:
        log.close()
        return ChildResult("not-started", None, [f"cannot start {command[0]}: {exc}"], 0.0)
    if child is None:
        log.close()
        return ChildResult("not-started", None, ["the scheduler is shutting down"], 0.0)
    copying = _copy_output(child, log)
    try:
        _limit_memory(child, limits.memory_limit_mb)
        timed_out = _wait_within(child, limits)
    finally:
        stopped = children.forget(child)
    # A process the child left behind may hold its output open: its log is then written on,
    # in the background, until that process ends.
    copying.join(OUTPUT_DRAIN_SECONDS)
    tail = list(log.recent)
    seconds = time.monotonic() - started
    outcome = "stopped" if stopped else _outcome(child.returncode, timed_out, tail)
    return ChildResult(outcome, child.returncode, tail, seconds)


def _copy_output(child: subprocess.Popen[bytes], log: RunLog) -> threading.Thread:
    assert child.stdout is not None
    copying = threading.Thread(
        target=log.copy_from, args=(child.stdout,), name=f"output of pid {child.pid}", daemon=True
    )
    copying.start()
    return copying


def _limit_memory(child: subprocess.Popen[bytes], megabytes: int | None) -> None:
    # Set from outside (prlimit) rather than in preexec_fn, which is unsafe in a threaded parent.
    if megabytes is None:
        return
    limit = megabytes * 1024 * 1024
    try:
        resource.prlimit(child.pid, resource.RLIMIT_AS, (limit, limit))
    except (ProcessLookupError, PermissionError) as exc:
        logger.warning("could not limit the memory of pid %d: %s", child.pid, exc)


def _wait_within(child: subprocess.Popen[bytes], limits: Limits) -> bool:
    """Wait for the child; at the time limit stop it. True when it had to be stopped."""
    try:
        child.wait(timeout=limits.time_limit)
        return False
    except subprocess.TimeoutExpired:
        logger.warning(
            "pid %d (%s) exceeded its time limit of %ss; stopping it",
            child.pid,
            _command_name(child),
            limits.time_limit,
        )
        _signal_group(child, signal.SIGTERM)
        _wait_or_kill(child, limits.stop_grace)
        return True


def _wait_or_kill(child: subprocess.Popen[bytes], grace: float) -> None:
    try:
        child.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        logger.warning("pid %d did not stop within %.0fs; killing it", child.pid, grace)
        _signal_group(child, signal.SIGKILL)
        child.wait()


def _signal_group(child: subprocess.Popen[bytes], signum: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):  # already gone
        os.killpg(child.pid, signum)


def _command_name(child: subprocess.Popen[bytes]) -> str:
    args = child.args if isinstance(child.args, list) else [str(child.args)]
    return " ".join(str(arg) for arg in args)


def _outcome(returncode: int | None, timed_out: bool, tail: list[str]) -> str:
    if timed_out:
        return "timeout"
    if returncode in REPORTED_BY_RUNS:
        return "exited"
    if any(marker in line for line in tail for marker in OUT_OF_MEMORY_MARKERS):
        return "out-of-memory"
    return "crashed"
