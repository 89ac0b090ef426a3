"""The exit codes of every mediamon command: one table, rendered into the README and ``--help``.

A crawl's code follows from the outcomes its runs record (:func:`exit_code_of_outcomes`), so
what cron or systemd sees and what ``mediamon status`` shows always agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import IntEnum


class ExitCode(IntEnum):
    """What a command's exit status says. ``meaning`` is its one line in ``--help``."""

    meaning: str

    def __new__(cls, value: int, meaning: str) -> ExitCode:
        code = int.__new__(cls, value)
        code._value_ = value
        code.meaning = meaning
        return code

    OK = 0, "done: every source answered (an unchanged feed too)"
    FAILED = 1, "failed, as its error line says: config, database, Redis, storing, time limit..."
    USAGE = 2, "a wrong command line (an unknown option or outlet, a bad value)"
    SOURCES_FAILED = 3, "some sources failed; what the others listed is stored"
    NOTHING_COLLECTED = 4, "every source failed: nothing could be collected (is the network up?)"
    CRASHED = 5, "a crawl process crashed or was killed; what the others stored is kept"


# The outcome a run records -> the exit code it means; any other outcome (errors, shutdown,
# closespider_timeout, db_unwritable, not_stored, timeout...) is a failure.
OUTCOME_EXIT_CODES: dict[str, ExitCode] = {
    "ok": ExitCode.OK,
    "sources_failed": ExitCode.SOURCES_FAILED,
    "nothing_collected": ExitCode.NOTHING_COLLECTED,
    "crashed": ExitCode.CRASHED,
}
# Codes by which a child says its runs are recorded as they ended (a supervisor adds nothing).
REPORTED_BY_RUNS = frozenset({ExitCode.OK, ExitCode.SOURCES_FAILED, ExitCode.NOTHING_COLLECTED})

# When a crawl's runs end differently, the code of the first of these present wins.
PRECEDENCE = (ExitCode.CRASHED, ExitCode.FAILED, ExitCode.SOURCES_FAILED)


def exit_code_of_outcome(outcome: str) -> ExitCode:
    """The exit code a run's recorded outcome means."""
    return OUTCOME_EXIT_CODES.get(outcome, ExitCode.FAILED)


def exit_code_of_outcomes(outcomes: Iterable[str]) -> ExitCode:
    """The exit code of a command whose runs (one per spider) recorded ``outcomes``.

    Nothing collected by one spider while another collected is "some sources failed"; nothing
    collected by every spider is "nothing collected". No runs at all: nothing to do, OK.
    """
    codes = {exit_code_of_outcome(outcome) for outcome in outcomes}
    for code in PRECEDENCE:
        if code in codes:
            return code
    if codes == {ExitCode.NOTHING_COLLECTED}:
        return ExitCode.NOTHING_COLLECTED
    return ExitCode.SOURCES_FAILED if ExitCode.NOTHING_COLLECTED in codes else ExitCode.OK


def exit_codes_help() -> str:
    """The table as ``--help`` shows it (an epilog, one line per code)."""
    lines = [f"  {int(code)}  {code.meaning}" for code in ExitCode]
    return "\b\nExit codes:\n" + "\n".join(lines)


def exit_codes_markdown() -> str:
    """The table as the README shows it."""
    rows = [f"| {int(code)} | `{code.name}` | {code.meaning} |" for code in ExitCode]
    return "\n".join(["| code | name | meaning |", "| --- | --- | --- |", *rows])
