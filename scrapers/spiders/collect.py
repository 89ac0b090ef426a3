"""ArticleCollectingSpider: what the sitemap and section spiders share.

``-a since=YYYY-MM-DD -a until=YYYY-MM-DD`` (inclusive, UTC dates) limits a crawl to a window of
past coverage, as `mediamon backfill` does; a URL already stored is never requested again, so an
interrupted backfill resumes where it stopped.

Sitemaps and section pages are requested conditionally (:mod:`scrapers.spiders.listings`); an
unwindowed crawl first tries again the failed pages whose backoff has passed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from typing import Any

from scrapy import Request
from scrapy.http import Response
from twisted.python.failure import Failure

from mediamon.core import stat_keys
from mediamon.core.article import Article
from mediamon.core.config import Outlet
from mediamon.store.unwritable import stop_if_unwritable, unwritable_of
from scrapers.hostile import record_failure
from scrapers.spiders.base import OutletSpider
from scrapers.spiders.entries import FeedEntry
from scrapers.spiders.listings import SAVED_STAT, ListingMemory, ListingRead

logger = logging.getLogger(__name__)


class ArticleCollectingSpider(OutletSpider):
    failed_stat = stat_keys.COLLECT_FAILED

    def __init__(self, since: str | None = None, until: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.since = date.fromisoformat(since) if since else None
        self.until = date.fromisoformat(until) if until else None
        self.listings: ListingMemory | None = None

    @property
    def listing_memory(self) -> ListingMemory:
        if self.listings is None:
            self.listings = ListingMemory(self.context.engine)
        return self.listings

    @property
    def windowed(self) -> bool:
        return self.since is not None or self.until is not None

    def in_window(self, moment: datetime | None) -> bool:
        """Whether an entry dated ``moment`` belongs to this crawl (undated: only unwindowed)."""
        if moment is None:
            return not self.windowed
        day = moment.astimezone(UTC).date()
        return (self.since is None or day >= self.since) and (
            self.until is None or day <= self.until
        )

    @property
    def retries_failed_pages(self) -> bool:
        return super().retries_failed_pages and not self.windowed

    def listing_request(self, url: str, callback: Any, meta: dict[str, Any]) -> Request:
        """A request of a sitemap or section page, conditional unless the crawl is windowed (a
        backfill reads listings in full: they were kept for what they list now)."""
        headers = {} if self.windowed else self.listing_memory.conditional_meta(url, meta)
        return Request(
            url, callback, headers=headers, meta=meta, errback=self.failed, dont_filter=True
        )

    def article_requests(
        self,
        outlet: Outlet,
        entries: Iterable[FeedEntry],
        source_url: str,
        listing: ListingRead | None = None,
    ) -> Iterator[Request]:
        listed = list(entries)
        self.crawler.stats.inc_value(stat_keys.LISTED, len(listed))
        for entry in self.fetchable_entries(outlet, listed, "mediamon/offsite/listed_links"):
            if listing is not None:
                listing.requested.add(entry.link)
            yield self.article_request(outlet, entry, source_url=source_url)

    def parse_article(self, response: Response) -> Iterator[Article]:
        article = self.article_from(response)
        if article is None:
            self.listing_memory.settle(response.meta["entry"].link)
        else:
            yield article

    def article_settled(self, response: Response, stored: bool) -> None:
        if stored:
            self.listing_memory.settle(response.meta["entry"].link)

    def failed(self, failure: Failure) -> None:
        record_failure(self.crawler.stats, failure)
        self.crawler.stats.inc_value(stat_keys.COLLECT_FAILED)

    def article_failed(self, failure: Failure) -> None:
        self.failed(failure)
        if self.remember_download_failure(failure):
            link = failure.request.meta["entry"].link  # type: ignore[attr-defined]
            self.listing_memory.settle(link)

    def closed(self, reason: str) -> None:
        """Keep the validators of the listings read in full, once the crawl got to its end."""
        if reason != "finished" or self.windowed or self.listings is None:
            return
        if unwritable_of(self.crawler):
            return
        try:
            self.crawler.stats.inc_value(SAVED_STAT, self.listings.keep())
        except Exception as exc:
            if not stop_if_unwritable(self.crawler, exc):
                raise
