"""What the spiders remember of failed pages (mediamon.crawl.failures), as one crawl sees it.

A page is requested at most once per crawl whichever spider lists it: the spiders a crawl
process runs one after another share :attr:`FailureMemory.tried`, and a page that failed is
held back by its record until its backoff has passed.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import ClassVar

from scrapy.statscollectors import StatsCollector
from sqlalchemy import Engine

from mediamon.crawl.failures import (
    Retry,
    RetryPolicy,
    clear_url_failures,
    due_retries,
    record_url_failure,
    recorded_failures,
)

logger = logging.getLogger(__name__)

RECORDED_STAT = "mediamon/failures/recorded"
GIVEN_UP_STAT = "mediamon/failures/given_up"
HELD_BACK_STAT = "mediamon/failures/held_back"
RETRIED_STAT = "mediamon/failures/retried"
REPEATED_STAT = "mediamon/failures/tried_this_crawl"
CLEARED_STAT = "mediamon/failures/cleared"


class FailureMemory:
    """The failure record of one spider's pages: what to hold back, retry, record and clear."""

    # Pages that failed or were retried in this crawl process, by any of its spiders.
    tried: ClassVar[set[str]] = set()

    def __init__(self, engine: Engine, policy: RetryPolicy, stats: StatsCollector) -> None:
        self.engine = engine
        self.policy = policy
        self.stats = stats
        self.recorded: set[str] = set()  # pages of this crawl with a record to clear on storing

    def not_to_request(self, urls: Sequence[str]) -> set[str]:
        """Those of ``urls`` tried already in this crawl, or held back by their record."""
        repeated = {url for url in urls if url in self.tried}
        self.count(REPEATED_STAT, len(repeated))
        records = recorded_failures(self.engine, [url for url in urls if url not in repeated])
        held = {url for url, waiting in records.items() if waiting}
        self.count(HELD_BACK_STAT, len(held))
        self.recorded.update(url for url, waiting in records.items() if not waiting)
        return repeated | held

    def retries(self, outlet_ids: Sequence[str]) -> list[Retry]:
        """The pages of ``outlet_ids`` due for another attempt, not tried in this crawl yet."""
        due = [r for r in due_retries(self.engine, outlet_ids) if r.url not in self.tried]
        for retry in due:
            self.tried.add(retry.url)
            self.recorded.add(retry.url)
        self.count(RETRIED_STAT, len(due))
        return due

    def remember(self, url: str, outlet_id: str, reason: str, source_url: str | None) -> None:
        """Record a failed attempt at ``url`` (its cause is logged where it happened)."""
        self.tried.add(url)
        record = record_url_failure(
            self.engine, url, outlet_id, reason, self.policy, source_url=source_url
        )
        self.stats.inc_value(RECORDED_STAT)
        if record.retry_at is None:
            self.stats.inc_value(GIVEN_UP_STAT)
            logger.info(
                "outlet %s: %s is given up after %d failed attempts (%s)",
                outlet_id,
                url,
                record.attempts,
                record.reason,
            )

    def stored(self, url: str) -> None:
        """``url`` was stored: its failures, if it had any, are forgotten."""
        if url in self.recorded:
            self.recorded.discard(url)
            clear_url_failures(self.engine, [url])
            self.stats.inc_value(CLEARED_STAT)

    def count(self, key: str, value: int) -> None:
        if value:
            self.stats.inc_value(key, value)
