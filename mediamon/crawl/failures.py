"""The failure memory of pages: a page that failed to download, or extracted to nothing, is
recorded with its reason and not requested again until its backoff has passed; after
``crawling.url_max_attempts`` attempts it is given up. Storing the page clears its record."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from mediamon.core.config_models import CrawlingSettings
from mediamon.core.models import UrlFailure, utcnow

# Longest cause kept per page: a server's error page can be any length.
REASON_MAX_CHARS = 500


@dataclass(frozen=True)
class RetryPolicy:
    """When a failed page is tried again (settings.yaml ``crawling:``), in seconds."""

    first_wait: float
    max_wait: float
    max_attempts: int

    @classmethod
    def from_settings(cls, crawling: CrawlingSettings) -> RetryPolicy:
        return cls(
            crawling.url_retry_minutes * 60,
            crawling.url_retry_max_hours * 3600,
            crawling.url_max_attempts,
        )

    def wait(self, attempts: int) -> float:
        """The wait after the ``attempts``-th failed attempt: doubled each time, capped."""
        return min(self.first_wait * 2 ** min(attempts - 1, 32), self.max_wait)

    def retry_at(self, attempts: int, now: datetime) -> datetime | None:
        """When to try again; None when the page is given up."""
        if attempts >= self.max_attempts:
            return None
        return now + timedelta(seconds=self.wait(attempts))


@dataclass(frozen=True)
class Retry:
    """A page whose backoff has passed: requested again by the next crawl of its outlet."""

    url: str
    outlet_id: str
    source_url: str | None


def record_url_failure(
    engine: Engine,
    url: str,
    outlet_id: str,
    reason: str,
    policy: RetryPolicy,
    *,
    source_url: str | None = None,
    now: datetime | None = None,
) -> UrlFailure:
    """Count one more failed attempt at ``url`` and schedule the next (or give it up)."""
    now = now or utcnow()
    with Session(engine, expire_on_commit=False) as session, session.begin():
        record = session.get(UrlFailure, url)
        if record is None:
            record = UrlFailure(url=url, attempts=0, first_failed_at=now)
            session.add(record)
        record.outlet_id = outlet_id
        record.reason = reason[:REASON_MAX_CHARS]
        record.attempts += 1
        record.last_failed_at = now
        record.retry_at = policy.retry_at(record.attempts, now)
        record.source_url = source_url or record.source_url
    return record


def clear_url_failures(engine: Engine, urls: Iterable[str]) -> None:
    """Forget the failures of ``urls`` (stored at last)."""
    listed = list(urls)
    if listed:
        with Session(engine) as session, session.begin():
            session.execute(delete(UrlFailure).where(UrlFailure.url.in_(listed)))


def recorded_failures(
    engine: Engine, urls: Sequence[str], now: datetime | None = None
) -> dict[str, bool]:
    """Those of ``urls`` with a failure record: True when not to request them now (in their
    backoff, or given up), False when their backoff has passed."""
    now = now or utcnow()
    found: dict[str, bool] = {}
    with Session(engine) as session:
        for chunk in _chunks(list(urls), 500):
            query = select(UrlFailure.url, UrlFailure.retry_at).where(UrlFailure.url.in_(chunk))
            for url, retry_at in session.execute(query):
                found[url] = retry_at is None or retry_at > now
    return found


def due_retries(
    engine: Engine, outlet_ids: Sequence[str], now: datetime | None = None
) -> list[Retry]:
    """The failed pages of ``outlet_ids`` whose backoff has passed, oldest failure first."""
    now = now or utcnow()
    query = (
        select(UrlFailure.url, UrlFailure.outlet_id, UrlFailure.source_url)
        .where(UrlFailure.outlet_id.in_(list(outlet_ids)), UrlFailure.retry_at <= now)
        .order_by(UrlFailure.last_failed_at)
    )
    with Session(engine) as session:
        return [Retry(url, outlet, source) for url, outlet, source in session.execute(query)]


def recent_url_failures(engine: Engine, limit: int) -> list[UrlFailure]:
    """The ``limit`` pages that failed most recently, given up or waiting."""
    query = select(UrlFailure).order_by(UrlFailure.last_failed_at.desc()).limit(limit)
    with Session(engine, expire_on_commit=False) as session:
        return list(session.scalars(query))


def count_url_failures(engine: Engine) -> tuple[int, int]:
    """How many failed pages wait for a retry, and how many are given up."""
    with Session(engine) as session:
        given_up = session.query(UrlFailure).filter(UrlFailure.retry_at.is_(None)).count()
        total = session.query(UrlFailure).count()
    return total - given_up, given_up


def _chunks(items: list[str], size: int) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
