"""What a command logs: mediamon's own lines at the chosen level, other libraries' only when a
user can act on them.

Libraries log at their own levels below (their INFO is settings dumps, their warnings are about
pages mediamon already reports on), unless the level is DEBUG, which shows everything. A few
records that repeat what mediamon says in one line of its own are shown at DEBUG only.
The same rules apply in a crawl, where Scrapy owns the log handler (``apply_library_rules``
after Scrapy's ``configure_logging``), and in the other commands (``configure_logging``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# The least a library's record needs to be shown, unless the log level is DEBUG.
LIBRARY_LEVELS: dict[str, int] = {
    # Settings, middlewares, stats dumps and page counts; mediamon says what a user needs.
    "scrapy": logging.WARNING,
    "twisted": logging.ERROR,
    "filelock": logging.ERROR,
    # "discarding data", "no metadata", "empty HTML tree": what extraction found is recorded
    # with the article (`mediamon extract` shows it); a user cannot fix a page.
    "trafilatura": logging.CRITICAL,
    "htmldate": logging.CRITICAL,
    "justext": logging.CRITICAL,
    "courlan": logging.CRITICAL,
    # Deprecations inside libraries are for their developers.
    "py.warnings": logging.ERROR,
    "alembic": logging.WARNING,
    "apscheduler.executors": logging.WARNING,
}


@dataclass(frozen=True)
class Repeated:
    """A library's record (by logger and message start) that repeats a line mediamon logs."""

    logger: str
    message_start: str
    said_by: str


REPEATED: tuple[Repeated, ...] = (
    Repeated(
        "scrapy.downloadermiddlewares.robotstxt",
        "Error downloading",
        "scrapers.robots: one line per unreachable robots.txt, no traceback",
    ),
)


class ShownAtDebug(logging.Filter):
    """Turns the records starting with ``message_start`` into DEBUG records (so they are not
    counted as errors of the crawl either)."""

    def __init__(self, message_start: str) -> None:
        super().__init__()
        self.message_start = message_start

    def filter(self, record: logging.LogRecord) -> bool:
        if str(record.msg).startswith(self.message_start):
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return True


def apply_library_rules(level: str | int) -> None:
    """Set the libraries' levels for a log at ``level`` and demote the repeated records."""
    numeric = logging.getLevelName(level) if isinstance(level, str) else level
    for name, least in LIBRARY_LEVELS.items():
        logging.getLogger(name).setLevel(numeric if numeric <= logging.DEBUG else least)
    for repeated in REPEATED:
        logger = logging.getLogger(repeated.logger)
        if not any(isinstance(f, ShownAtDebug) for f in logger.filters):
            logger.addFilter(ShownAtDebug(repeated.message_start))


def configure_logging(
    level: str | int = logging.WARNING, log_file: str | Path | None = None
) -> None:
    """One handler on the root logger, to ``log_file`` (appended) or stderr, at ``level``."""
    for old in list(logging.root.handlers):
        logging.root.removeHandler(old)
        old.close()
    handler: logging.Handler = (
        logging.FileHandler(log_file, encoding="utf-8") if log_file else logging.StreamHandler()
    )
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    logging.root.addHandler(handler)
    logging.root.setLevel(level)
    apply_library_rules(level)
