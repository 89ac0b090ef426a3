"""OutletSpider: what every mediamon spider shares: the config, the outlets, polite requests."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

import scrapy
from scrapy import Request, signals
from scrapy.http import Response, TextResponse
from scrapy.settings import BaseSettings
from twisted.python.failure import Failure

from mediamon.core import stat_keys
from mediamon.core.article import Article
from mediamon.core.config import Outlet
from mediamon.core.config_models import CrawlingSettings
from mediamon.core.context import Context, context_from_settings
from mediamon.core.db_errors import unwritable_reason
from mediamon.core.models import utcnow
from mediamon.crawl.distributed import HANDOFF_KEY_SETTING
from mediamon.crawl.failures import Retry, RetryPolicy
from mediamon.store.addresses import mark_fetched, own_fetch_times, stored_urls
from mediamon.store.unwritable import (
    STORE_FAILED_STAT,
    ArticleNotStored,
    not_stored,
    stop_crawl,
    stop_if_unwritable,
)
from scrapers.hostile import RefusedRequest, failure_reason
from scrapers.spiders.entries import FeedEntry
from scrapers.spiders.memory import FailureMemory
from scrapers.spiders.refetch import RefetchBudget

logger = logging.getLogger(__name__)

OUTLET_META = "outlet_id"


class OutletSpider(scrapy.Spider):
    """A spider over the configured outlets, limited to one with ``-a outlet=ID``.

    It learns when each article it yielded has gone through the item pipelines (stored, or
    dropped), or was not stored: counted under ``failed_stat`` and ``mediamon/store/failed``,
    and passed to :meth:`article_settled`.
    """

    context: Context
    outlets: list[Outlet]
    failure_memory: FailureMemory | None = None
    refetch_budget: RefetchBudget | None = None
    failed_stat = stat_keys.ARTICLES_FAILED

    def __init__(self, outlet: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.outlet_filter = [o for o in (outlet or "").split(",") if o]

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        super().update_settings(settings)
        config = context_from_settings(settings).config
        settings.set("USER_AGENT", config.settings.full_user_agent, priority="spider")
        settings.set("ROBOTSTXT_OBEY", config.settings.obey_robots, priority="spider")
        slots = {
            o.id: {"concurrency": o.concurrency, "delay": o.download_delay} for o in config.outlets
        }
        settings.set("DOWNLOAD_SLOTS", slots, priority="spider")
        apply_crawling_limits(settings, config.settings.crawling)
        settings.set("LOG_FORMATTER", "scrapers.logformatter.ArticleLogFormatter", "spider")

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> OutletSpider:
        spider: OutletSpider = super().from_crawler(crawler, *args, **kwargs)
        spider.context = context_from_settings(crawler.settings)
        spider.outlets = spider.select_outlets()
        crawler.signals.connect(spider.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(spider.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(spider.item_error, signal=signals.item_error)
        return spider

    @property
    def memory(self) -> FailureMemory:
        """The failure record of pages (made once the crawl has its stats)."""
        if self.failure_memory is None:
            policy = RetryPolicy.from_settings(self.context.config.settings.crawling)
            self.failure_memory = FailureMemory(self.context.engine, policy, self.crawler.stats)
        return self.failure_memory

    @property
    def refetches(self) -> RefetchBudget:
        """The re-fetches of edited articles this crawl may still make."""
        if self.refetch_budget is None:
            self.refetch_budget = RefetchBudget.from_settings(self.context.config.settings.crawling)
        return self.refetch_budget

    def select_outlets(self) -> list[Outlet]:
        """The outlets this run covers; an unknown id is an error naming the known ones."""
        config = self.context.config
        if not self.outlet_filter:
            return list(config.outlets)
        return [config.outlet(outlet_id) for outlet_id in self.outlet_filter]

    def outlet_meta(self, outlet: Outlet, **extra: Any) -> dict[str, Any]:
        """Request meta that routes a request into its outlet's politeness slot."""
        return {OUTLET_META: outlet.id, "download_slot": outlet.id, **extra}

    def outlet(self, outlet_id: str) -> Outlet:
        return self.context.config.outlet(outlet_id)

    def fetchable_entries(
        self, outlet: Outlet, entries: Iterable[FeedEntry], offsite_stat: str
    ) -> list[FeedEntry]:
        """Those of a listing's ``entries`` worth requesting: not stored yet (or stored, and said
        to have changed since: see :mod:`scrapers.spiders.refetch`), on the outlet's own domains
        (the others are counted under ``offsite_stat``), neither tried in this crawl nor held
        back by an earlier failure."""
        listed = list(entries)
        known = stored_urls(self.context.engine, [entry.link for entry in listed], outlet.id)
        fetched_at = self.refetched(outlet, [entry for entry in listed if entry.link in known])
        fetchable = []
        for entry in listed:
            if entry.link in fetched_at:
                self.crawler.stats.inc_value(stat_keys.REFETCHED)
                fetchable.append(replace(entry, refetch_since=fetched_at[entry.link]))
            elif entry.link in known:
                self.crawler.stats.inc_value(stat_keys.ALREADY_STORED)
            elif not outlet.owns(entry.link):
                self.crawler.stats.inc_value(offsite_stat)
                logger.info("outlet %s: skipping off-domain link %s", outlet.id, entry.link)
            else:
                fetchable.append(entry)
        skipped = self.memory.not_to_request([entry.link for entry in fetchable])
        return [entry for entry in fetchable if entry.link not in skipped]

    def refetched(self, outlet: Outlet, stored: list[FeedEntry]) -> dict[str, datetime]:
        """The ``stored`` entries fetched again (said to have changed since), by link, with
        when they were last fetched."""
        said_changed = [entry for entry in stored if entry.updated is not None]
        if not said_changed:
            return {}
        links = [entry.link for entry in said_changed]
        fetched = own_fetch_times(self.context.engine, links, outlet.id)
        return {
            entry.link: fetched[entry.link]
            for entry in said_changed
            if self.refetches.grants(outlet.id, entry, fetched.get(entry.link))
        }

    def article_request(
        self, outlet: Outlet, entry: FeedEntry, dont_filter: bool = False, **meta: Any
    ) -> Request:
        """The request of a listed article; a re-fetch asks only for a page changed since its
        last fetch (If-Modified-Since)."""
        full_meta = self.outlet_meta(outlet, entry=entry, **meta)
        headers = {}
        if entry.refetch_since is not None:
            headers["If-Modified-Since"] = http_date(entry.refetch_since)
            full_meta["handle_httpstatus_list"] = [304]
        return Request(
            entry.link,
            self.parse_article,
            headers=headers,
            errback=self.article_failed,
            meta=full_meta,
            dont_filter=dont_filter,
        )

    @property
    def retries_failed_pages(self) -> bool:
        """Whether this crawl requests the failed pages whose backoff has passed: not the
        feeder of a distributed crawl (its workers fetch what is listed again)."""
        return not self.crawler.settings.get(HANDOFF_KEY_SETTING)

    def retry_requests(self) -> Iterator[Request]:
        """The failed pages of this crawl's outlets due for another attempt."""
        if not self.retries_failed_pages:
            return
        outlets = {outlet.id: outlet for outlet in self.outlets}
        for retry in self.memory.retries(list(outlets)):
            yield self.retry_request(outlets[retry.outlet_id], retry)

    def retry_request(self, outlet: Outlet, retry: Retry) -> Request:
        entry = FeedEntry(retry.url, None, None)
        meta = self.outlet_meta(outlet, entry=entry, source_url=retry.source_url or retry.url)
        return Request(retry.url, self.parse_article, errback=self.article_failed, meta=meta)

    def parse_article(self, response: Response) -> Iterator[Article]:
        raise NotImplementedError

    def article_failed(self, failure: Failure) -> None:
        raise NotImplementedError

    def remember_download_failure(self, failure: Failure) -> bool:
        """Record a failed article download; False when the database refused it. A request
        refused by the URL policy is not recorded: no later attempt could do better."""
        if isinstance(failure.value, RefusedRequest):
            return True
        meta = failure.request.meta  # type: ignore[attr-defined]
        return self.remember_failure(meta, failure_reason(failure))

    def remember_failure(self, meta: dict[str, Any], reason: str) -> bool:
        """Record that the article of ``meta`` failed; False when the database refused it."""
        try:
            link = meta["entry"].link
            self.memory.remember(link, meta[OUTLET_META], reason, meta.get("source_url"))
        except Exception as exc:
            if not stop_if_unwritable(self.crawler, exc):
                raise
            return False
        return True

    def article_from(self, response: Response) -> Article | None:
        """The Article a listing's entry led to (``entry`` and ``source_url`` in its meta), or
        None, counted and logged, when the response is not a text page."""
        if response.status == 304:  # a re-fetch: the page is as it was when last fetched
            self.not_modified_since(response)
            return None
        if not isinstance(response, TextResponse):
            self.crawler.stats.inc_value("mediamon/articles/not_html")
            logger.warning(
                "outlet %s: %s is not a text page", response.meta["outlet_id"], response.url
            )
            self.remember_failure(response.meta, "not a text page")
            return None
        entry: FeedEntry = response.meta["entry"]
        return Article(
            url=response.url,
            outlet_id=response.meta["outlet_id"],
            html=response.body,
            encoding=response.encoding,
            fetched_at=utcnow(),
            source_url=response.meta["source_url"],
            hint_title=entry.title,
            hint_published=entry.published,
            hint_source=self.name,
        )

    def not_modified_since(self, response: Response) -> None:
        """A re-fetch answered 304: counted, and the stored article's last fetch is now (so the
        minimum interval holds before the next)."""
        self.crawler.stats.inc_value(stat_keys.REFETCH_NOT_MODIFIED)
        try:
            mark_fetched(self.context.engine, response.meta[OUTLET_META], response.url, utcnow())
        except Exception as exc:
            if not stop_if_unwritable(self.crawler, exc):
                raise

    def item_scraped(self, item: Any, response: Any, spider: Any) -> None:
        if isinstance(response, Response) and "entry" in response.meta:
            self.forget_failures(response.meta["entry"].link)
        self._settled(response, None)

    def item_dropped(self, item: Any, response: Any, exception: BaseException, spider: Any) -> None:
        if isinstance(exception, ArticleNotStored):
            self._settled(response, exception)
        elif isinstance(response, Response) and "entry" in response.meta:
            # No article in the page (it extracted to nothing): not fetched again until its
            # backoff has passed.
            if self.remember_failure(response.meta, str(exception)):
                self._settled(response, None)
            else:  # the database refuses writes: the crawl stops, saying so once
                self.article_settled(response, stored=False)
        else:
            self._settled(response, None)

    def forget_failures(self, link: str) -> None:
        try:
            self.memory.stored(link)
        except Exception as exc:
            if not stop_if_unwritable(self.crawler, exc):
                raise

    def item_error(self, item: Any, response: Any, spider: Any, failure: Failure) -> None:
        error = failure.value or RuntimeError(failure.getErrorMessage())
        if isinstance(item, Article) and item.id is not None:
            # Stored; a later stage (stories) failed, and Scrapy logged it.
            if reason := unwritable_reason(error):
                stop_crawl(self.crawler, reason)
            self._settled(response, None)
        elif isinstance(response, Response):
            self._settled(response, not_stored(response.url, error))

    def _settled(self, response: Any, failure: ArticleNotStored | None) -> None:
        if not isinstance(response, Response) or "entry" not in response.meta:
            return
        if failure is not None:
            self.crawler.stats.inc_value(self.failed_stat)
            self.crawler.stats.inc_value(STORE_FAILED_STAT)
            if failure.unwritable:  # one line says so for the whole crawl
                stop_crawl(self.crawler, failure.unwritable)
            else:
                logger.warning("outlet %s: %s", response.meta[OUTLET_META], failure)
        self.article_settled(response, stored=failure is None)

    def article_settled(self, response: Response, stored: bool) -> None:
        """The article ``response`` led to was stored (or dropped as no article), or not."""


def http_date(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def apply_crawling_limits(settings: BaseSettings, crawling: CrawlingSettings) -> None:
    """Size cap (raw and decompressed), timeout and AutoThrottle from settings.yaml."""
    max_bytes = int(crawling.max_response_mb * 1024 * 1024)
    settings.set("DOWNLOAD_MAXSIZE", max_bytes, priority="spider")
    settings.set("DOWNLOAD_WARNSIZE", max_bytes // 2, priority="spider")
    settings.set("DOWNLOAD_TIMEOUT", crawling.timeout_seconds, priority="spider")
    settings.set("AUTOTHROTTLE_ENABLED", crawling.autothrottle, priority="spider")
