"""Honour 429 and 503 with Retry-After: wait as asked (up to a bound), then retry once more.

A longer wait than the bound is not spent inside the crawl: the response goes on to the spider,
whose feed bookkeeping schedules the next poll after it (``retry_after`` in request meta).
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.statscollectors import StatsCollector

from mediamon.core.context import context_from_settings
from scrapers.hostile import record_hostile

THROTTLING_STATUSES = (429, 503)
RETRY_AFTER_META = "retry_after"
MAX_WAITS = 2


class RetryAfterMiddleware:
    def __init__(self, max_wait: float, stats: StatsCollector) -> None:
        self.max_wait = max_wait
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetryAfterMiddleware:
        assert crawler.stats is not None
        crawling = context_from_settings(crawler.settings).config.settings.crawling
        return cls(crawling.retry_after_max_seconds, crawler.stats)

    async def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Request | Response:
        seconds = retry_after_seconds(response)
        if response.status not in THROTTLING_STATUSES or seconds is None:
            return response
        outlet_id = request.meta.get("outlet_id", "?")
        record_hostile(
            self.stats, "retry_after", outlet_id, request.url, f"{response.status}, {seconds:.0f}s"
        )
        waits = request.meta.get("retry_after_waits", 0)
        if seconds > self.max_wait or waits >= MAX_WAITS:
            request.meta[RETRY_AFTER_META] = seconds
            request.meta["dont_retry"] = True
            return response
        await asyncio.sleep(seconds)
        return request.replace(
            dont_filter=True, meta={**request.meta, "retry_after_waits": waits + 1}
        )


def retry_after_seconds(response: Response) -> float | None:
    """Retry-After as seconds (RFC 9110: delay-seconds or an HTTP date), None if absent."""
    raw = response.headers.get("Retry-After")
    if not raw:
        return None
    value = raw.decode("latin-1").strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    when = when if when.tzinfo else when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
