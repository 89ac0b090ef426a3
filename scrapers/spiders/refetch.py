"""Which stored articles a crawl fetches again: those a listing says changed since they were
fetched, within bounds a hostile listing cannot lift.

A listing's updated time (RSS/Atom ``updated``, sitemap ``lastmod``, JSON Feed ``date_modified``)
later than the stored row's ``fetched_at`` asks for a re-fetch, unless the time is implausible
(before 1990, or in the future), the article was fetched less than
``crawling.min_refetch_interval_minutes`` ago, or the crawl has already re-fetched
``crawling.max_refetches_per_outlet`` articles of the outlet. So an outlet that stamps every
entry "updated now" on each poll costs at most the bound per crawl, and nothing within the
interval.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from mediamon.core.models import utcnow
from mediamon.core.plausible_dates import EARLIEST
from mediamon.core.settings_models import CrawlingSettings
from scrapers.spiders.entries import FeedEntry

logger = logging.getLogger(__name__)

# An outlet's clock may run a little ahead of ours; beyond this, a time is in the future.
CLOCK_SKEW = timedelta(minutes=5)


class RefetchBudget:
    """The re-fetches one crawl grants, per outlet; a URL granted once is granted again free
    (several listings of one crawl may name it)."""

    def __init__(
        self,
        max_per_outlet: int,
        min_interval: timedelta,
        now: Callable[[], datetime] = utcnow,
    ) -> None:
        self.max_per_outlet = max_per_outlet
        self.min_interval = min_interval
        self.now = now
        self.granted: set[str] = set()
        self.used: Counter[str] = Counter()
        self.capped: set[str] = set()

    @classmethod
    def from_settings(cls, crawling: CrawlingSettings) -> RefetchBudget:
        interval = timedelta(minutes=crawling.min_refetch_interval_minutes)
        return cls(crawling.max_refetches_per_outlet, interval)

    def grants(self, outlet_id: str, entry: FeedEntry, fetched_at: datetime | None) -> bool:
        """Whether the stored article ``entry`` names, fetched at ``fetched_at``, is fetched
        again; a grant uses up one of the outlet's re-fetches."""
        if entry.link in self.granted:
            return True
        if fetched_at is None or not self.changed_since(entry.updated, fetched_at):
            return False
        if self.used[outlet_id] >= self.max_per_outlet:
            if outlet_id not in self.capped:
                self.capped.add(outlet_id)
                logger.info(
                    "outlet %s: %d re-fetches of edited articles this crawl "
                    "(crawling.max_refetches_per_outlet); the others wait for the next",
                    outlet_id,
                    self.max_per_outlet,
                )
            return False
        self.used[outlet_id] += 1
        self.granted.add(entry.link)
        return True

    def changed_since(self, updated: datetime | None, fetched_at: datetime) -> bool:
        """Whether ``updated`` is a believable change after ``fetched_at``, which is at least
        the minimum interval ago."""
        if updated is None:
            return False
        now = self.now()
        fetched = fetched_at if fetched_at.tzinfo else fetched_at.replace(tzinfo=UTC)
        if not EARLIEST <= updated <= now + CLOCK_SKEW:
            return False
        return updated > fetched and now - fetched >= self.min_interval
