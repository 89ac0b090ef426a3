"""A crawl whose database refuses writes stops: one line says why, its articles count as failed.

Whichever component meets the refusal first (the store, template-line learning, a feed's poll
record) calls :func:`stop_crawl`: the reason goes into the crawl's stats (so `mediamon crawl`
can exit with it, summed over crawl processes), one line is logged, and the spider is closed
as ``CLOSE_REASON``. Articles that were not stored are :class:`ArticleNotStored`: their feeds'
validators stay unsaved, so the next crawl reads those feeds in full and fetches them again.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.exceptions import DropItem
from scrapy.utils.asyncio import call_later
from scrapy.utils.defer import deferred_from_coro

from mediamon.core import stat_keys
from mediamon.core.db_errors import unwritable_reason

logger = logging.getLogger(__name__)
UNWRITABLE_STAT = "mediamon/database/unwritable"
STORE_FAILED_STAT = stat_keys.STORE_FAILED
# Short enough for the runs table's outcome column, which records a crawl's close reason.
CLOSE_REASON = "db_unwritable"


class ArticleNotStored(DropItem):
    """An article that was fetched but could not be stored; a later crawl fetches it again.

    ``unwritable`` holds why the database refuses writes, when that is the cause.
    """

    def __init__(self, message: str, unwritable: str | None = None) -> None:
        super().__init__(message)
        self.unwritable = unwritable


def not_stored(url: str, error: BaseException) -> ArticleNotStored:
    """The failure of an article ``error`` kept from being stored."""
    if isinstance(error, ArticleNotStored):
        return error
    reason = unwritable_reason(error)
    return ArticleNotStored(f"{url} was not stored: {reason or _first_line(error)}", reason)


def unwritable_of(crawler: Any) -> str | None:
    """Why this crawl's database refused writes, if it has."""
    stats = getattr(crawler, "stats", None)
    value = stats.get_value(UNWRITABLE_STAT) if stats is not None else None
    return str(value) if value else None


def stop_crawl(crawler: Any, reason: str) -> None:
    """Stop the crawl because its database refuses writes; the first call says why."""
    if crawler is None:
        return
    if not unwritable_of(crawler):
        if crawler.stats is not None:
            crawler.stats.set_value(UNWRITABLE_STAT, reason)
        logger.error(
            "cannot write to the database: %s; the crawl stops, and what it could not store is "
            "fetched again by the next crawl",
            reason,
        )
    _close(crawler)


def _close(crawler: Any) -> None:
    engine = getattr(crawler, "engine", None)
    if engine is None or engine.spider is None:
        return
    if engine.running:  # closing twice is harmless: the second waits for the first
        deferred_from_coro(engine.close_spider_async(reason=CLOSE_REASON))
    else:  # still opening (a run record refused at spider_opened): once it runs
        call_later(0.1, _close, crawler)


def stop_if_unwritable(crawler: Any, error: BaseException) -> bool:
    """Stop the crawl when ``error`` says the database refuses writes; whether it did."""
    reason = unwritable_reason(error)
    if reason is None:
        return False
    stop_crawl(crawler, reason)
    return True


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return f"{type(error).__name__}: {lines[0] if lines else ''}"
