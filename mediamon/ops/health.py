"""Outlet health: what an analyst should hear about before noticing a gap in the coverage.

Three rules, each judged against the outlet's own history rather than one fixed number:

- silent outlet: no new article for longer than ``alerts.silent_factor`` times the median gap
  between its recent articles (at least ``alerts.silent_floor_hours``);
- failing feed: a feed whose last ``alerts.failing_polls`` polls or more all failed;
- short texts: the median length of the newest articles below ``alerts.short_text_ratio`` of the
  outlet's usual median, which is how broken extraction usually shows.

:func:`current_alerts` is the one entry point (the scheduler, `mediamon status` and the digest
call it); :mod:`mediamon.ops.alerts` decides which alerts are new and delivers them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise
from statistics import median

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from mediamon.core.config import Config
from mediamon.core.config_models import AlertSettings
from mediamon.core.models import ArticleRow, Feed, utcnow

HISTORY_ARTICLES = 50
MIN_GAPS_FOR_RHYTHM = 3
RECENT_ARTICLES = 5
MIN_BASELINE_ARTICLES = 10


@dataclass(frozen=True)
class Alert:
    """``kind`` is 'silent-outlet', 'failing-feed' or 'short-texts'; ``subject`` is what is
    unhealthy (the outlet id, or the feed URL)."""

    kind: str
    outlet_id: str
    subject: str
    message: str

    @property
    def key(self) -> str:
        """Stable while the condition lasts, so an alert is delivered once, not on every check."""
        return f"{self.kind}:{self.subject}"


@dataclass(frozen=True)
class ArticleFacts:
    moment: datetime
    text_length: int


def current_alerts(engine: Engine, config: Config, now: datetime | None = None) -> list[Alert]:
    """Every health alert that holds now, outlet by outlet."""
    now = now or utcnow()
    rules = config.settings.alerts
    alerts: list[Alert] = []
    for outlet in config.outlets:
        history = outlet_history(engine, outlet.id)
        alerts += silent_outlet_alerts(outlet.id, [fact.moment for fact in history], now, rules)
        alerts += short_text_alerts(outlet.id, [fact.text_length for fact in history], rules)
    configured = {outlet.id for outlet in config.outlets}
    alerts += [a for a in failing_feed_alerts(engine, rules) if a.outlet_id in configured]
    return alerts


def outlet_history(engine: Engine, outlet_id: str) -> list[ArticleFacts]:
    """The outlet's newest original articles (no duplicates, no teasers), newest first."""
    moment = func.coalesce(ArticleRow.published_at, ArticleRow.fetched_at)
    query = (
        select(ArticleRow.published_at, ArticleRow.fetched_at, func.length(ArticleRow.text))
        .where(ArticleRow.outlet_id == outlet_id, ArticleRow.duplicate_of.is_(None))
        .where(ArticleRow.is_teaser.is_(False))
        .order_by(moment.desc())
        .limit(HISTORY_ARTICLES)
    )
    with Session(engine) as session:
        rows = session.execute(query).all()
    return [
        ArticleFacts(_moment(published, fetched), length or 0)
        for published, fetched, length in rows
    ]


def _moment(published: datetime | None, fetched: datetime) -> datetime:
    """When the article appeared: its publication time, unless that claims to be after we saw it."""
    return min(published, fetched) if published else fetched


def silent_outlet_alerts(
    outlet_id: str, moments: Sequence[datetime], now: datetime, rules: AlertSettings
) -> list[Alert]:
    """An alert when the outlet's newest article is older than its usual rhythm allows."""
    usual = usual_gap(moments)
    if usual is None:
        return []  # too little history to know what quiet means for this outlet
    allowed = max(usual * rules.silent_factor, timedelta(hours=rules.silent_floor_hours))
    quiet = now - max(moments)
    if quiet <= allowed:
        return []
    message = (
        f"{outlet_id}: no new article for {_duration(quiet)}; it usually publishes every "
        f"{_duration(usual)} (alert after {_duration(allowed)})"
    )
    return [Alert("silent-outlet", outlet_id, outlet_id, message)]


def usual_gap(moments: Sequence[datetime]) -> timedelta | None:
    """The median gap between consecutive articles, or None with fewer than a few gaps."""
    ordered = sorted(moments)
    gaps = [later - earlier for earlier, later in pairwise(ordered)]
    if len(gaps) < MIN_GAPS_FOR_RHYTHM:
        return None
    return timedelta(seconds=median(gap.total_seconds() for gap in gaps))


def short_text_alerts(
    outlet_id: str, lengths_newest_first: Sequence[int], rules: AlertSettings
) -> list[Alert]:
    """An alert when the newest texts are far shorter than the outlet's usual ones."""
    recent = lengths_newest_first[:RECENT_ARTICLES]
    baseline = lengths_newest_first[RECENT_ARTICLES:]
    if len(recent) < RECENT_ARTICLES or len(baseline) < MIN_BASELINE_ARTICLES:
        return []
    recent_median, usual_median = median(recent), median(baseline)
    if recent_median >= rules.short_text_ratio * usual_median:
        return []
    message = (
        f"{outlet_id}: the last {len(recent)} articles have a median of {recent_median:.0f} "
        f"characters against a usual {usual_median:.0f}; extraction may be broken"
    )
    return [Alert("short-texts", outlet_id, outlet_id, message)]


def failing_feed_alerts(engine: Engine, rules: AlertSettings) -> list[Alert]:
    query = select(Feed).where(Feed.consecutive_failures >= rules.failing_polls)
    with Session(engine) as session:
        feeds = list(session.scalars(query.order_by(Feed.outlet_id, Feed.url)))
    return [_failing_feed_alert(feed) for feed in feeds]


def _failing_feed_alert(feed: Feed) -> Alert:
    answer = f"HTTP {feed.last_status}" if feed.last_status else "no answer"
    message = (
        f"{feed.outlet_id}: feed {feed.url} failed its last {feed.consecutive_failures} polls "
        f"(last: {answer})"
    )
    return Alert("failing-feed", feed.outlet_id, feed.url, message)


def _duration(span: timedelta) -> str:
    minutes = span.total_seconds() / 60
    if minutes < 120:
        return f"{minutes:.0f} min"
    hours = minutes / 60
    return f"{hours:.1f} h" if hours < 48 else f"{hours / 24:.1f} days"
