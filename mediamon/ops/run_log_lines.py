"""The lines of a run's log that explain what went wrong: warnings, errors, the exception that
ended each traceback, a command's own ``Error:`` line, and mediamon's note of output left out."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

# A log record at WARNING or above, in Scrapy's format ("... [scrapy.core.scraper] ERROR: ...")
# or Python logging's ("... ERROR mediamon.crawl: ...").
PROBLEM_LEVEL = re.compile(r"(?<![\w-])(WARNING|ERROR|CRITICAL)(?=[:\s\]])")
COMMAND_ERROR = re.compile(r"^(Error|Aborted)[:!]")
LEFT_OUT_NOTE = "[mediamon: "
TRACEBACK_START = "Traceback (most recent call last):"


@dataclass(frozen=True)
class LogLines:
    """What a run log says about a run; ``missing`` says why there is no log to read."""

    path: str | None
    lines: list[str]
    missing: str | None = None


def read_explaining_lines(log_path: str | None) -> LogLines:
    """The explaining lines of the log at ``log_path``, or why it cannot be read."""
    if log_path is None:
        return LogLines(None, [], "no log kept (the run was not started by the scheduler)")
    try:
        with Path(log_path).open(encoding="utf-8", errors="replace") as log:
            return LogLines(log_path, list(explaining_lines(log)))
    except FileNotFoundError:
        return LogLines(log_path, [], "its log was removed (older logs are rotated away)")
    except OSError as exc:
        return LogLines(log_path, [], f"its log cannot be read: {exc.strerror or exc}")


def explaining_lines(lines: Iterator[str] | list[str]) -> Iterator[str]:
    in_traceback = False
    for raw in lines:
        line = raw.rstrip()
        if in_traceback and line and not line[0].isspace():
            in_traceback = False
            yield line  # the exception, after the frames
            continue
        if line.startswith(TRACEBACK_START):
            in_traceback = True
        elif _explains(line):
            yield line


def _explains(line: str) -> bool:
    return bool(
        PROBLEM_LEVEL.search(line) or COMMAND_ERROR.match(line) or line.startswith(LEFT_OUT_NOTE)
    )
