"""The alerts' one entry point: after a commit of the store and stories stages (a crawl's
batches, a worker's, a scheduler tick), detect the subscriptions' developments, record the new
ones, merge them into messages, and deliver what is due. :func:`preview` is the same detection
without recording or sending (`mediamon alerts test`).

Nothing here may fail a crawl: :func:`check_alerts_safely` logs what went wrong instead.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Engine

from mediamon.alerts.delivery import Channels, DeliveryFailed, masked, send
from mediamon.alerts.developments import SPIKE_BASELINE_HOURS, Development, Scene, detect
from mediamon.alerts.facts import LOOKBACK, active_stories, hourly_counts, recent_edits
from mediamon.alerts.outbox import claim_due, locked, make_messages, record, settle
from mediamon.alerts.queries import stories_matching_queries
from mediamon.core.config import Config
from mediamon.core.config_models import EmailSettings
from mediamon.core.models import utcnow

logger = logging.getLogger(__name__)


@dataclass
class CheckReport:
    recorded: int = 0
    messages: int = 0
    delivered: int = 0
    failures: list[str] = field(default_factory=list)


def scene_of(engine: Engine, config: Config, now: datetime) -> Scene:
    since = now - LOOKBACK
    stories = active_stories(engine, since)
    topics = {topic for s in config.alerts.subscriptions for topic in s.topics}
    hour_end = now + timedelta(microseconds=1)
    return Scene(
        now=now,
        stories=stories,
        edits=recent_edits(engine, stories, since),
        labels={outlet.id: tuple(outlet.labels) for outlet in config.outlets},
        hourly={
            topic: hourly_counts(engine, topic, hour_end, SPIKE_BASELINE_HOURS + 1)
            for topic in topics
        },
        queried=stories_matching_queries(engine, config.alerts.subscriptions, stories),
    )


def preview(
    engine: Engine, config: Config, subscription_id: str, now: datetime | None = None
) -> list[Development]:
    """What the subscription would find now in the stored articles, recorded or not."""
    subscription = config.alerts.subscription(subscription_id)
    return detect(subscription, scene_of(engine, config, now or utcnow()))


def check_alerts(engine: Engine, config: Config, now: datetime | None = None) -> CheckReport:
    report = CheckReport()
    if not config.alerts.subscriptions:
        return report
    now = now or utcnow()
    scene = scene_of(engine, config, now)
    stories = {story.id: story for story in scene.stories}
    with locked(engine) as connection:
        for subscription in config.alerts.subscriptions:
            found = detect(subscription, scene)
            report.recorded += record(connection, subscription.id, found, now)
            report.messages += make_messages(
                connection, subscription, stories, config.alerts, now, config.settings.zone
            )
    deliver_due(engine, config, now, report)
    return report


def deliver_due(
    engine: Engine, config: Config, now: datetime | None = None, report: CheckReport | None = None
) -> CheckReport:
    """Send every delivery that is due (new, or whose retry time has come)."""
    report = report or CheckReport()
    channels = Channels(smtp_server(config), config.alerts.timeout_seconds)
    for claimed in claim_due(engine, now or utcnow()):
        error = None
        try:
            send(claimed.target, claimed.outgoing, channels)
        except DeliveryFailed as exc:
            error = str(exc)
        status = settle(engine, claimed, error, config.alerts, utcnow())
        if error is None:
            report.delivered += 1
            logger.info("alert sent to %s: %s", masked(claimed.target), claimed.outgoing.title)
        else:
            report.failures.append(error)
            logger.warning(
                "alert not delivered (%s, attempt %d): %s", status, claimed.attempts + 1, error
            )
    return report


def smtp_server(config: Config) -> EmailSettings:
    """The SMTP server of alert e-mail: settings.yaml's ``alerts.email``, else the digest's."""
    settings = config.settings
    return settings.alerts.email or settings.digest.email or EmailSettings()  # type: ignore[call-arg]


def check_alerts_safely(engine: Engine, config: Config) -> CheckReport | None:
    """:func:`check_alerts`, logging instead of raising: alerts never fail a crawl."""
    try:
        return check_alerts(engine, config)
    except Exception:
        logger.exception("checking alerts failed; the next check tries again")
        return None
