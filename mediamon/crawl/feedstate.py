"""Per-feed polling state in the database: HTTP validators for conditional GETs, failures, and
when each feed is next due (adapted to its publishing rate, backed off on failures); and the
validators of sitemaps and section pages, with what each one led to."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise
from statistics import median

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from mediamon.core.config_models import CrawlingSettings
from mediamon.core.models import Feed, ListingValidators, utcnow

# URLs per IN (...) query: well below SQLite's limit of bound parameters.
QUERY_CHUNK = 500


@dataclass(frozen=True)
class Validators:
    """What a server gave to let the next request be conditional."""

    etag: str | None = None
    last_modified: str | None = None

    def headers(self) -> dict[str, str]:
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


@dataclass(frozen=True)
class PollPolicy:
    """Bounds of the polling rhythm, in seconds (settings.yaml ``crawling:``)."""

    min_interval: float
    max_interval: float
    backoff_max: float

    @classmethod
    def from_settings(cls, crawling: CrawlingSettings) -> PollPolicy:
        return cls(
            crawling.poll_interval_min_minutes * 60,
            crawling.poll_interval_max_minutes * 60,
            crawling.failure_backoff_max_hours * 3600,
        )

    def clamp(self, seconds: float) -> float:
        return min(max(seconds, self.min_interval), self.max_interval)


def publishing_interval(
    entry_times: Sequence[datetime], policy: PollPolicy, previous: float | None = None
) -> float:
    """The median gap between the feed's entries, within the policy's bounds.

    A feed whose entries carry fewer than two distinct dates keeps its previous interval (or
    gets the shortest one, so that a new feed is soon seen publishing).
    """
    moments = sorted(set(entry_times))
    gaps = [(later - earlier).total_seconds() for earlier, later in pairwise(moments)]
    if not gaps:
        return previous if previous is not None else policy.min_interval
    return policy.clamp(median(gaps))


def failure_delay(interval: float, failures: int, policy: PollPolicy) -> float:
    """Exponential backoff: the interval doubled per consecutive failure, capped."""
    return min(interval * 2 ** min(failures, 32), policy.backoff_max)


@dataclass(frozen=True)
class FeedState:
    """What a poll needs to know of a feed beforehand: its validators, when it is next due."""

    validators: Validators = Validators()
    next_poll_at: datetime | None = None

    def due(self, now: datetime) -> bool:
        return self.next_poll_at is None or self.next_poll_at <= now


def load_feed_states(engine: Engine, urls: Sequence[str]) -> dict[str, FeedState]:
    """The stored state of each of ``urls`` polled before, in one query."""
    query = select(Feed.url, Feed.etag, Feed.last_modified, Feed.next_poll_at)
    states = {}
    with Session(engine) as session:
        for chunk in chunks(list(dict.fromkeys(urls)), QUERY_CHUNK):
            for url, etag, last_modified, when in session.execute(query.where(Feed.url.in_(chunk))):
                states[url] = FeedState(Validators(etag, last_modified), when)
    return states


def load_validators(engine: Engine, url: str) -> Validators:
    state = load_feed_states(engine, [url]).get(url)
    return state.validators if state is not None else Validators()


@dataclass(frozen=True)
class PollOutcome:
    """What one poll of a feed answered (see :func:`record_polls`)."""

    url: str
    outlet_id: str
    status: int | None
    validators: Validators | None
    entries: int = 0
    entry_times: Sequence[datetime] = ()
    retry_after: float | None = None
    polled_at: datetime | None = None  # None: when it is recorded


def record_poll(
    engine: Engine,
    url: str,
    outlet_id: str,
    status: int | None,
    validators: Validators | None,
    entries: int = 0,
    *,
    entry_times: Sequence[datetime] = (),
    retry_after: float | None = None,
    policy: PollPolicy | None = None,
    now: datetime | None = None,
) -> None:
    """Record one poll and schedule the next (see :func:`record_polls`)."""
    outcome = PollOutcome(url, outlet_id, status, validators, entries, entry_times, retry_after)
    record_polls(engine, [outcome], policy, now)


def record_polls(
    engine: Engine,
    outcomes: Sequence[PollOutcome],
    policy: PollPolicy | None = None,
    now: datetime | None = None,
) -> None:
    """Record polls and schedule the next of each, in one transaction.

    An outcome's ``validators`` None keeps the stored ones (the poll did not complete). Its
    ``entry_times`` are the publication times the feed listed; ``retry_after`` is a server's
    asked-for wait.
    """
    policy = policy or PollPolicy.from_settings(CrawlingSettings.model_validate({}))
    now = now or utcnow()
    urls = list(dict.fromkeys(outcome.url for outcome in outcomes))
    with Session(engine) as session, session.begin():
        feeds = {}
        for chunk in chunks(urls, QUERY_CHUNK):
            feeds.update(
                {f.url: f for f in session.scalars(select(Feed).where(Feed.url.in_(chunk)))}
            )
        for outcome in outcomes:
            feed = feeds.get(outcome.url) or Feed(url=outcome.url, consecutive_failures=0)
            feeds[outcome.url] = feed
            apply_poll(feed, outcome, policy, outcome.polled_at or now)
            session.add(feed)


def apply_poll(feed: Feed, outcome: PollOutcome, policy: PollPolicy, now: datetime) -> None:
    failed = outcome.status is None or outcome.status >= 400
    feed.outlet_id = outcome.outlet_id
    feed.last_polled_at = now
    feed.last_status = outcome.status
    feed.consecutive_failures = (feed.consecutive_failures or 0) + 1 if failed else 0
    feed.entries_seen = outcome.entries
    if outcome.validators is not None and not failed:
        feed.etag, feed.last_modified = outcome.validators.etag, outcome.validators.last_modified
    if outcome.entry_times:
        newest = [*outcome.entry_times, *filter(None, [feed.newest_entry_at])]
        feed.newest_entry_at = max(newest)
    schedule_next_poll(feed, outcome.entry_times, outcome.retry_after, policy, now)


def schedule_next_poll(
    feed: Feed,
    entry_times: Sequence[datetime],
    retry_after: float | None,
    policy: PollPolicy,
    now: datetime,
) -> None:
    feed.poll_interval = publishing_interval(entry_times, policy, feed.poll_interval)
    wait = feed.poll_interval
    if feed.consecutive_failures:
        wait = failure_delay(feed.poll_interval, feed.consecutive_failures, policy)
    if retry_after is not None:
        wait = max(wait, retry_after)
    feed.next_poll_at = now + timedelta(seconds=wait)


def due_feeds(engine: Engine, urls: Sequence[str], now: datetime | None = None) -> set[str]:
    """The ``urls`` due for a poll: never polled, or their next poll time has come."""
    now = now or utcnow()
    states = load_feed_states(engine, urls)
    return {url for url in urls if states.get(url, FeedState()).due(now)}


def chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass(frozen=True)
class ListingState:
    """A sitemap's or section page's validators and the listings it led to when last read."""

    validators: Validators
    followed: tuple[str, ...] = ()


def load_listing(engine: Engine, url: str) -> ListingState | None:
    with Session(engine) as session:
        row = session.get(ListingValidators, url)
        if row is None:
            return None
        return ListingState(Validators(row.etag, row.last_modified), tuple(row.followed or ()))


def save_listing(
    engine: Engine, url: str, outlet_id: str, state: ListingState, now: datetime | None = None
) -> None:
    """Keep what a listing read in full answered, once everything it listed is settled."""
    with Session(engine) as session, session.begin():
        row = session.get(ListingValidators, url) or ListingValidators(url=url)
        row.outlet_id = outlet_id
        row.etag, row.last_modified = state.validators.etag, state.validators.last_modified
        row.followed = list(state.followed)
        row.saved_at = now or utcnow()
        session.add(row)
