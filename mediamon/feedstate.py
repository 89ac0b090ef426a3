"""Per-feed polling state in the database: HTTP validators for conditional GETs, failures."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from mediamon.db import Feed, utcnow


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


def load_validators(engine: Engine, url: str) -> Validators:
    with Session(engine) as session:
        feed = session.get(Feed, url)
        if feed is None:
            return Validators()
        return Validators(feed.etag, feed.last_modified)


def record_poll(
    engine: Engine,
    url: str,
    outlet_id: str,
    status: int | None,
    validators: Validators | None,
    entries: int = 0,
) -> None:
    """Record one poll. ``validators`` None keeps the stored ones (the poll did not complete)."""
    failed = status is None or status >= 400
    with Session(engine) as session, session.begin():
        feed = session.get(Feed, url) or Feed(url=url, outlet_id=outlet_id, consecutive_failures=0)
        feed.outlet_id = outlet_id
        feed.last_polled_at = utcnow()
        feed.last_status = status
        feed.consecutive_failures = (feed.consecutive_failures or 0) + 1 if failed else 0
        feed.entries_seen = entries
        if validators is not None and not failed:
            feed.etag, feed.last_modified = validators.etag, validators.last_modified
        session.add(feed)


def failing_feeds(engine: Engine, at_least: int = 1) -> list[Feed]:
    with Session(engine) as session:
        query = select(Feed).where(Feed.consecutive_failures >= at_least)
        return list(session.scalars(query))
