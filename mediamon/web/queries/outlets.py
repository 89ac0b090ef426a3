"""Outlet health for the Outlets page and the API: counts, polls, failures, alerts, and the
learned template lines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from mediamon.core.config import Config
from mediamon.core.config_models import Outlet
from mediamon.core.models import (
    ArticleRow,
    BoilerplateLine,
    Feed,
)
from mediamon.ops.health import current_alerts
from mediamon.web.queries.freshness import page_cache


@dataclass(frozen=True)
class OutletHealth:
    id: str
    name: str
    labels: tuple[str, ...]
    articles: int
    last_poll: datetime | None
    next_due: datetime | None
    failing_feeds: int
    feed_failures: int
    alerts: tuple[str, ...]


@dataclass(frozen=True)
class FeedPolls:
    """What an outlet's feeds say: the last poll, the next one due, feeds whose last poll
    failed and the failed polls in a row summed over its feeds."""

    last_poll: datetime | None = None
    next_due: datetime | None = None
    failing_feeds: int = 0
    failures: int = 0


def outlets_health(engine: Engine, config: Config) -> list[OutletHealth]:
    """Every configured outlet: articles stored, last poll, next poll due, failures, alerts."""
    counts = page_cache.get(engine, config, "articles per outlet", lambda: _counts(engine))
    with Session(engine) as session:
        polls = {
            outlet_id: FeedPolls(last, due, int(failing or 0), int(failures or 0))
            for outlet_id, last, due, failing, failures in session.execute(
                select(
                    Feed.outlet_id,
                    func.max(Feed.last_polled_at),
                    func.min(Feed.next_poll_at),
                    func.count().filter(Feed.consecutive_failures > 0),
                    func.sum(Feed.consecutive_failures),
                ).group_by(Feed.outlet_id)
            )
        }
    alerts: dict[str, list[str]] = {}
    for alert in current_alerts(engine, config):
        alerts.setdefault(alert.outlet_id, []).append(alert.message)
    return [
        _health(outlet, counts, polls.get(outlet.id, FeedPolls()), alerts)
        for outlet in config.outlets
    ]


def _counts(engine: Engine) -> dict[str, int]:
    """Articles stored per outlet (a count of every article: kept while the store is unchanged)."""
    with Session(engine) as session:
        query = select(ArticleRow.outlet_id, func.count()).group_by(ArticleRow.outlet_id)
        return {outlet_id: int(count) for outlet_id, count in session.execute(query)}


def _health(
    outlet: Outlet, counts: dict[str, int], polls: FeedPolls, alerts: dict[str, list[str]]
) -> OutletHealth:
    return OutletHealth(
        id=outlet.id,
        name=outlet.name,
        labels=tuple(outlet.labels),
        articles=int(counts.get(outlet.id, 0)),
        last_poll=polls.last_poll,
        next_due=polls.next_due,
        failing_feeds=polls.failing_feeds,
        feed_failures=polls.failures,
        alerts=tuple(alerts.get(outlet.id, ())),
    )


def boilerplate_lines(engine: Engine, outlet_id: str) -> list[BoilerplateLine]:
    """The outlet's learned, pinned and exempt template lines, most widespread first."""
    query = (
        select(BoilerplateLine)
        .where(BoilerplateLine.outlet_id == outlet_id)
        .where(BoilerplateLine.status.in_(("learned", "pinned", "exempt")))
        .order_by(BoilerplateLine.article_count.desc(), BoilerplateLine.text)
    )
    with Session(engine) as session:
        lines = list(session.scalars(query))
        session.expunge_all()
    return lines
