"""The feed spider: polls RSS/Atom/RDF feeds through Scrapy and requests each new article.

scrapy crawl feeds                    # every outlet in config/outlets.yaml
scrapy crawl feeds -a outlet=meduza-en
scrapy crawl feeds -a due_only=1      # only feeds whose next poll time has come (the scheduler)
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import feedparser
from scrapy import Request
from scrapy.http import Response
from twisted.python.failure import Failure

from mediamon.core import stat_keys
from mediamon.core.article import Article
from mediamon.core.config import Outlet
from mediamon.core.models import utcnow
from mediamon.crawl.feedstate import (
    FeedState,
    PollOutcome,
    PollPolicy,
    Validators,
    load_feed_states,
    record_polls,
)
from mediamon.store.unwritable import stop_if_unwritable, unwritable_of
from scrapers.hostile import record_failure
from scrapers.middlewares import CONDITIONAL_META, CONFIGURED_META, VALIDATORS_META
from scrapers.retry_after import RETRY_AFTER_META
from scrapers.spiders.base import OutletSpider
from scrapers.spiders.caps import cap_feed_body, note_capped
from scrapers.spiders.entries import FeedEntry, datetime_of_struct, listed_entry
from scrapers.spiders.jsonfeed import is_json_feed, json_feed_entries
from scrapers.spiders.listings import validators_of

logger = logging.getLogger(__name__)

# Polls recorded per transaction: a poll answered 304 costs a request and a share of one write.
POLL_BATCH = 100


@dataclass
class FeedPoll:
    """One feed's poll in progress. Its validators are saved only once every article it led to
    has been stored, or recorded as failed (to download, or to extract to an article: the
    failure record retries it), and only if none failed to be stored: an interrupted crawl, or
    one whose database refused writes, is retried in full instead of answered with 304."""

    url: str
    outlet_id: str
    status: int
    validators: Validators
    entries: int = 0
    entry_times: tuple[datetime, ...] = ()
    pending: int = 0
    failed_articles: int = 0
    listed: bool = False


class FeedSpider(OutletSpider):
    name = "feeds"

    def __init__(self, outlet: str | None = None, due_only: str = "", **kwargs: Any) -> None:
        super().__init__(outlet, **kwargs)
        self.due_only = due_only.lower() in ("1", "true", "yes")
        # Polls waiting for each article in flight: feeds of one outlet often list the same
        # article, and Scrapy drops the repeated request without calling back.
        self.waiting: dict[str, list[FeedPoll]] = {}
        # Articles stored (True) or failed (False) in this crawl: a later feed listing one must
        # not wait for a request Scrapy drops as a repeat.
        self.settled: dict[str, bool] = {}
        self.unsaved_polls: list[PollOutcome] = []

    @property
    def poll_policy(self) -> PollPolicy:
        return PollPolicy.from_settings(self.context.config.settings.crawling)

    async def start(self) -> AsyncIterator[Request]:
        for retry in self.retry_requests():
            yield retry
        feeds = [(outlet, url) for outlet in self.outlets for url in outlet.feeds]
        states = load_feed_states(self.context.engine, [url for _, url in feeds])
        now = utcnow()
        for outlet, url in feeds:
            state = states.get(url, FeedState())
            if not self.due_only or state.due(now):
                yield self.feed_request(outlet, url, state.validators)
            else:
                self.crawler.stats.inc_value(stat_keys.FEEDS_NOT_DUE)

    def feed_request(self, outlet: Outlet, url: str, validators: Validators) -> Request:
        meta = self.outlet_meta(
            outlet,
            feed_url=url,
            handle_httpstatus_list=[304],
            **{CONDITIONAL_META: True, CONFIGURED_META: True, VALIDATORS_META: (url, validators)},
        )
        return Request(
            url, callback=self.parse_feed, errback=self.feed_failed, meta=meta, dont_filter=True
        )

    def parse_feed(self, response: Response) -> Iterator[Request]:
        outlet = self.outlet(response.meta["outlet_id"])
        if response.status == 304:
            self.crawler.stats.inc_value(stat_keys.FEEDS_NOT_MODIFIED)
            self.save_poll(response.url, outlet.id, 304, None)
            return
        entries = self.feed_entries(response, outlet)
        poll = FeedPoll(
            response.meta["feed_url"], outlet.id, response.status, validators_of(response)
        )
        poll.entries = len(entries)
        poll.entry_times = tuple(entry.published for entry in entries if entry.published)
        yield from self.article_requests(outlet, entries, poll)
        poll.listed = True
        self.finish_poll_if_done(poll)

    def feed_entries(self, response: Response, outlet: Outlet) -> list[FeedEntry]:
        """The feed's usable entries, at most ``crawling.max_feed_entries`` (the first ones: feeds
        list the newest first); the rest are counted under ``mediamon/capped/feed_entries``."""
        limit = self.context.config.settings.crawling.max_feed_entries
        stats = self.crawler.stats
        if is_json_feed(response):
            stats.inc_value("mediamon/feeds/json")
            feed = json_feed_entries(response.body, response.url, limit)
            note_capped(
                stats, "feed_entries", outlet.id, response.url, feed.excess, "max_feed_entries"
            )
            return feed.entries
        body, excess = cap_feed_body(response.body, limit)
        parsed = feedparser.parse(body, response_headers=dict_headers(response))
        excess += max(0, len(parsed.entries) - limit)
        note_capped(stats, "feed_entries", outlet.id, response.url, excess, "max_feed_entries")
        entries = [entry_of(item, response.url) for item in parsed.entries[:limit]]
        usable = [entry for entry in entries if entry is not None]
        if parsed.bozo and not usable:
            self.crawler.stats.inc_value("mediamon/feeds/malformed")
            self.crawler.stats.inc_value("mediamon/hostile/malformed_xml")
            logger.warning(
                "outlet %s: feed %s is malformed: %s",
                outlet.id,
                response.url,
                parsed.get("bozo_exception"),
            )
        self.crawler.stats.inc_value(stat_keys.FEEDS_PARSED)
        return usable

    def article_requests(
        self, outlet: Outlet, entries: list[FeedEntry], poll: FeedPoll
    ) -> Iterator[Request]:
        for entry in self.fetchable_entries(outlet, entries, "mediamon/offsite/feed_entries"):
            if entry.link in self.settled:
                poll.failed_articles += 0 if self.settled[entry.link] else 1
                continue
            poll.pending += 1
            if entry.link in self.waiting:
                self.waiting[entry.link].append(poll)
                continue
            self.waiting[entry.link] = [poll]
            yield self.article_request(outlet, entry, poll=poll, source_url=poll.url)

    def parse_article(self, response: Response) -> Iterator[Article]:
        article = self.article_from(response)
        if article is None:  # not a page: recorded as failed, tried again after its backoff
            self.article_done(response.meta["entry"].link, ok=True)
        else:  # done once the pipelines are (see article_settled)
            yield article

    def article_settled(self, response: Response, stored: bool) -> None:
        self.article_done(response.meta["entry"].link, ok=stored)

    def article_failed(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        record_failure(self.crawler.stats, failure)  # its one line: outlet, URL, cause
        self.crawler.stats.inc_value(stat_keys.ARTICLES_FAILED)
        recorded = self.remember_download_failure(failure)
        self.article_done(request.meta["entry"].link, ok=recorded)

    def article_handed_off(self, request: Request) -> None:
        """A worker fetches it (a distributed crawl). This process never learns whether the fetch
        succeeded, so the feed's validators are not saved: the next poll reads it in full."""
        self.article_done(request.meta["entry"].link, ok=False)

    def article_done(self, link: str, ok: bool) -> None:
        self.settled[link] = ok
        for poll in self.waiting.pop(link, []):
            poll.pending -= 1
            poll.failed_articles += 0 if ok else 1
            self.finish_poll_if_done(poll)

    def finish_poll_if_done(self, poll: FeedPoll) -> None:
        if not poll.listed or poll.pending:
            return
        validators = poll.validators if not poll.failed_articles else None
        self.save_poll(
            poll.url,
            poll.outlet_id,
            poll.status,
            validators,
            poll.entries,
            entry_times=poll.entry_times,
        )

    def save_poll(
        self,
        url: str,
        outlet_id: str,
        status: int | None,
        validators: Validators | None,
        entries: int = 0,
        **details: Any,
    ) -> None:
        """Record a poll (see ``record_polls``), with others in one transaction once
        ``POLL_BATCH`` are waiting, and the rest as the spider closes."""
        outcome = PollOutcome(
            url, outlet_id, status, validators, entries, polled_at=utcnow(), **details
        )
        self.unsaved_polls.append(outcome)
        if len(self.unsaved_polls) >= POLL_BATCH:
            self.save_polls()

    def save_polls(self) -> None:
        """Record the polls waiting; nothing once the database refuses writes: the crawl stops,
        and the next one polls those feeds again (with the validators stored before)."""
        outcomes, self.unsaved_polls = self.unsaved_polls, []
        if not outcomes or unwritable_of(self.crawler):
            return
        try:
            record_polls(self.context.engine, outcomes, self.poll_policy)
        except Exception as exc:
            if not stop_if_unwritable(self.crawler, exc):
                raise

    def closed(self, reason: str) -> None:
        self.save_polls()

    def feed_failed(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        response = getattr(failure.value, "response", None)
        status = response.status if response is not None else None
        record_failure(self.crawler.stats, failure)  # its one line: outlet, URL, cause
        self.crawler.stats.inc_value(stat_keys.FEEDS_FAILED)
        self.save_poll(
            request.url,
            request.meta["outlet_id"],
            status,
            None,
            retry_after=request.meta.get(RETRY_AFTER_META),
        )


def dict_headers(response: Response) -> dict[str, str]:
    return {
        key.decode("latin-1").lower(): b",".join(values).decode("latin-1")
        for key, values in response.headers.items()
    }


def entry_of(item: Any, feed_url: str) -> FeedEntry | None:
    """A feedparser entry as a FeedEntry of checked types; None without a usable link."""
    link = item.get("link")
    if not isinstance(link, str) or not link.strip():
        link = item.get("id")
    # dict.get: feedparser's own get() answers a missing updated_parsed with published_parsed
    updated = datetime_of_struct(dict.get(item, "updated_parsed"))
    published = datetime_of_struct(item.get("published_parsed")) or updated
    return listed_entry(link, item.get("title"), published, feed_url, updated)
