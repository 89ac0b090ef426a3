"""ArticleCollectingSpider: what the sitemap and section spiders share.

``-a since=YYYY-MM-DD -a until=YYYY-MM-DD`` (inclusive, UTC dates) limits a crawl to a window of
past coverage, as `mediamon backfill` does; a URL already stored is never requested again, so an
interrupted backfill resumes where it stopped.
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
from scrapers.hostile import record_failure
from scrapers.spiders.base import OutletSpider
from scrapers.spiders.entries import FeedEntry

logger = logging.getLogger(__name__)


class ArticleCollectingSpider(OutletSpider):
    failed_stat = stat_keys.COLLECT_FAILED

    def __init__(self, since: str | None = None, until: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.since = date.fromisoformat(since) if since else None
        self.until = date.fromisoformat(until) if until else None

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

    def article_requests(
        self, outlet: Outlet, entries: Iterable[FeedEntry], source_url: str
    ) -> Iterator[Request]:
        listed = list(entries)
        self.crawler.stats.inc_value(stat_keys.LISTED, len(listed))
        for entry in self.fetchable_entries(outlet, listed, "mediamon/offsite/listed_links"):
            meta = self.outlet_meta(outlet, entry=entry, source_url=source_url)
            yield Request(entry.link, self.parse_article, errback=self.failed, meta=meta)

    def parse_article(self, response: Response) -> Iterator[Article]:
        article = self.article_from(response)
        if article is not None:
            yield article

    def failed(self, failure: Failure) -> None:
        record_failure(self.crawler.stats, failure)
        self.crawler.stats.inc_value(stat_keys.COLLECT_FAILED)
