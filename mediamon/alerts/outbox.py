"""The alerts' tables as an outbox: developments recorded once under a unique (subscription, key),
merged per story into messages at most every ``min_interval_minutes``, and each message's
delivery to each target claimed by one process, tried, and retried with backoff.

Recording and composing run under one database-wide lock (the dialect's write transaction), so
two crawl processes or workers seeing the same development record it, and message it, once.
"""

from __future__ import annotations

import zlib
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine, Row, func, insert, select, update

from mediamon.alerts.delivery import Outgoing, target_string
from mediamon.alerts.developments import Development
from mediamon.alerts.facts import StoryFacts
from mediamon.alerts.messages import Pending, compose
from mediamon.core.alerts_models import AlertsFile, SubscriptionModel, TargetModel
from mediamon.core.dialects import dialect_of
from mediamon.core.models import AlertDelivery, AlertDevelopment, AlertMessage, table_of

ALERTS_LOCK_KEY = zlib.crc32(b"mediamon-alerts")
DEVELOPMENTS = table_of(AlertDevelopment)
MESSAGES = table_of(AlertMessage)
DELIVERIES = table_of(AlertDelivery)
# How long a process holds a delivery it is sending before another may try it.
SENDING_LEASE = timedelta(minutes=2)


@dataclass(frozen=True)
class Claimed:
    id: int
    target: str
    attempts: int
    outgoing: Outgoing


@contextmanager
def locked(engine: Engine) -> Iterator[Connection]:
    with (
        engine.connect() as connection,
        dialect_of(connection).write_transaction(connection, ALERTS_LOCK_KEY),
    ):
        yield connection


def record(
    connection: Connection, subscription: str, found: Sequence[Development], now: datetime
) -> int:
    """Record the developments not recorded yet; return how many were new."""
    if not found:
        return 0
    known = set(
        connection.scalars(
            select(DEVELOPMENTS.c.key)
            .where(DEVELOPMENTS.c.subscription == subscription)
            .where(DEVELOPMENTS.c.key.in_([d.key for d in found]))
        )
    )
    new = [d for d in dict((d.key, d) for d in found).values() if d.key not in known]
    for development in new:
        connection.execute(
            insert(DEVELOPMENTS).values(
                subscription=subscription,
                key=development.key,
                kind=development.kind,
                subject=development.subject,
                summary=development.summary,
                detail=development.detail,
                detected_at=now,
            )
        )
    return len(new)


def make_messages(
    connection: Connection,
    subscription: SubscriptionModel,
    stories: dict[int, StoryFacts],
    alerts: AlertsFile,
    now: datetime,
    zone: ZoneInfo,
) -> int:
    """Merge the subscription's waiting developments into one message per story (or topic),
    unless it is quiet or the subject had a message within the rate limit; return how many."""
    if in_quiet_hours(subscription, now, zone):
        return 0
    waiting = connection.execute(
        select(DEVELOPMENTS)
        .where(DEVELOPMENTS.c.subscription == subscription.id)
        .where(DEVELOPMENTS.c.message_id.is_(None))
        .order_by(DEVELOPMENTS.c.id)
    ).all()
    by_subject: dict[str, list[Row[Any]]] = defaultdict(list)
    for row in waiting:
        by_subject[row.subject].append(row)
    made = 0
    for subject, rows in by_subject.items():
        if _rate_limited(connection, subscription, subject, now):
            continue
        pending = [Pending(r.kind, r.key, r.summary, r.detail) for r in rows]
        story = stories.get(int(subject.split(":")[1])) if subject.startswith("story:") else None
        outgoing = compose(subscription, subject, pending, story, alerts)
        message_id = _add_message(connection, subscription, subject, outgoing, now)
        ids = [r.id for r in rows]
        connection.execute(
            update(DEVELOPMENTS).where(DEVELOPMENTS.c.id.in_(ids)).values(message_id=message_id)
        )
        made += 1
    return made


def _rate_limited(
    connection: Connection, subscription: SubscriptionModel, subject: str, now: datetime
) -> bool:
    last = connection.scalar(
        select(func.max(MESSAGES.c.created_at))
        .where(MESSAGES.c.subscription == subscription.id)
        .where(MESSAGES.c.subject == subject)
    )
    if last is None:
        return False
    return now - last < timedelta(minutes=subscription.min_interval_minutes)


def _add_message(
    connection: Connection,
    subscription: SubscriptionModel,
    subject: str,
    outgoing: Outgoing,
    now: datetime,
) -> int:
    message_id = connection.execute(
        insert(MESSAGES)
        .values(
            subscription=subscription.id,
            subject=subject,
            title=outgoing.title,
            body=outgoing.body,
            payload=outgoing.payload,
            created_at=now,
        )
        .returning(MESSAGES.c.id)
    ).scalar_one()
    for target in subscription.to:
        connection.execute(
            insert(DELIVERIES).values(
                message_id=message_id,
                target=target_of(target),
                status="pending",
                attempts=0,
                next_attempt_at=now,
            )
        )
    return int(message_id)


def target_of(target: TargetModel) -> str:
    if target.webhook:
        return target_string("webhook", target.webhook)
    if target.email:
        return target_string("email", target.email)
    assert target.apprise is not None
    return target_string("apprise", target.apprise)


def in_quiet_hours(subscription: SubscriptionModel, now: datetime, zone: ZoneInfo) -> bool:
    span = subscription.quiet_span()
    if span is None:
        return False
    start, end = span
    local = now.astimezone(zone).time().replace(tzinfo=None)
    return _within(local, start, end)


def _within(moment: time, start: time, end: time) -> bool:
    if start <= end:
        return start <= moment < end
    return moment >= start or moment < end  # the span passes midnight


def claim_due(engine: Engine, now: datetime) -> list[Claimed]:
    """The deliveries due now, each taken for :data:`SENDING_LEASE` by this process."""
    with locked(engine) as connection:
        rows = connection.execute(
            select(
                DELIVERIES.c.id,
                DELIVERIES.c.target,
                DELIVERIES.c.attempts,
                MESSAGES.c.title,
                MESSAGES.c.body,
                MESSAGES.c.payload,
            )
            .join(MESSAGES, MESSAGES.c.id == DELIVERIES.c.message_id)
            .where(DELIVERIES.c.status.in_(["pending", "sending"]))
            .where(DELIVERIES.c.next_attempt_at <= now)
            .order_by(DELIVERIES.c.id)
        ).all()
        if rows:
            connection.execute(
                update(DELIVERIES)
                .where(DELIVERIES.c.id.in_([row.id for row in rows]))
                .values(status="sending", next_attempt_at=now + SENDING_LEASE)
            )
    return [
        Claimed(row.id, row.target, row.attempts, Outgoing(row.title, row.body, row.payload))
        for row in rows
    ]


def settle(
    engine: Engine, claimed: Claimed, error: str | None, alerts: AlertsFile, now: datetime
) -> str:
    """Record how an attempt went; return the delivery's status (sent, pending or failed)."""
    attempts = claimed.attempts + 1
    if error is None:
        values: dict[str, object] = {"status": "sent", "delivered_at": now, "last_error": None}
    elif attempts >= alerts.max_attempts:
        values = {"status": "failed", "last_error": error}
    else:
        wait = alerts.retry_seconds * 2 ** (attempts - 1)
        values = {
            "status": "pending",
            "last_error": error,
            "next_attempt_at": now + timedelta(seconds=wait),
        }
    with engine.begin() as connection:
        connection.execute(
            update(DELIVERIES)
            .where(DELIVERIES.c.id == claimed.id)
            .values(attempts=attempts, **values)
        )
    return str(values["status"])
