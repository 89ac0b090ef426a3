"""Raising health alerts: log them, and send new ones by webhook and e-mail when configured
(through mediamon.alerts.delivery, as alerts on developments are).

An alert is delivered once, when it first holds, not on every check while it lasts. The set of
alerts holding is recorded as a ``health`` run whenever it changes; the last such run is what
"new" is measured against, so this survives restarts without a table of its own.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from mediamon.alerts.delivery import DeliveryFailed, post_json, send_text_mail
from mediamon.core.config import Config
from mediamon.core.config_models import AlertSettings
from mediamon.core.models import Run
from mediamon.core.runs import RunRecord
from mediamon.ops.health import Alert, current_alerts

logger = logging.getLogger(__name__)

HEALTH_JOB = "health"
WEBHOOK_TIMEOUT = 10
_check_lock = threading.Lock()  # two crawl jobs ending together must not both send an alert


def notify_new_alerts(engine: Engine, config: Config, now: datetime | None = None) -> list[Alert]:
    """Check health; log and deliver the alerts that were not holding at the last check."""
    with _check_lock:
        alerts = current_alerts(engine, config, now)
        previous = previous_alert_keys(engine)
        new = [alert for alert in alerts if alert.key not in previous]
        resolved = previous - {alert.key for alert in alerts}
        for alert in new:
            logger.warning("health alert: %s", alert.message)
        for key in sorted(resolved):
            logger.info("health alert resolved: %s", key)
        if new or resolved:
            failures = deliver(config.settings.alerts, new) if new else []
            _record(engine, alerts, new, failures)
        return new


def previous_alert_keys(engine: Engine) -> set[str]:
    query = select(Run.counts).where(Run.job == HEALTH_JOB).order_by(Run.id.desc()).limit(1)
    with Session(engine) as session:
        counts = session.scalar(query)
    return set((counts or {}).get("alerts", []))


def deliver(settings: AlertSettings, alerts: Sequence[Alert]) -> list[str]:
    """Send ``alerts`` through every configured channel (mediamon.alerts.delivery); return what
    went wrong, if anything."""
    failures = []
    if settings.webhook_url:
        try:
            post_json(settings.webhook_url, alert_payload(alerts), WEBHOOK_TIMEOUT)
        except DeliveryFailed as exc:
            failures.append(str(exc))
    if settings.email is not None and settings.email.recipients:
        body = "\n".join(f"- {alert.message}" for alert in alerts) + "\n"
        subject = f"mediamon: {len(alerts)} health alert(s)"
        try:
            send_text_mail(settings.email, settings.email.recipients, subject, body)
        except DeliveryFailed as exc:
            failures.append(str(exc))
    for failure in failures:
        logger.error("could not deliver health alerts: %s", failure)
    return failures


def alert_payload(alerts: Sequence[Alert]) -> dict[str, object]:
    """The JSON a webhook receives: ``{"source": "mediamon", "alerts": [{kind, outlet, ...}]}``."""
    return {
        "source": "mediamon",
        "alerts": [
            {"kind": a.kind, "outlet": a.outlet_id, "subject": a.subject, "message": a.message}
            for a in alerts
        ],
    }


def _record(
    engine: Engine, alerts: Sequence[Alert], new: Sequence[Alert], failures: list[str]
) -> None:
    run = RunRecord.start(engine, HEALTH_JOB)
    counts = {"alerts": [a.key for a in alerts], "new": [a.key for a in new]}
    messages = [alert.message for alert in alerts] + failures
    run.finish("alerts" if alerts else "ok", counts, messages)
