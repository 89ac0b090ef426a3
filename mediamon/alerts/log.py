"""Reading the outbox back: what was sent, when, to whom, what failed (`mediamon alerts log`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from mediamon.core.models import AlertDelivery, AlertDevelopment, AlertMessage


@dataclass(frozen=True)
class DeliveryEntry:
    target: str
    status: str
    attempts: int
    delivered_at: datetime | None
    last_error: str | None


@dataclass(frozen=True)
class MessageEntry:
    id: int
    subscription: str
    created_at: datetime
    title: str
    deliveries: list[DeliveryEntry]


def latest_messages(
    engine: Engine, limit: int = 50, subscription: str | None = None
) -> list[MessageEntry]:
    """The latest messages, oldest first, each with its deliveries."""
    query = select(AlertMessage).order_by(AlertMessage.id.desc()).limit(limit)
    if subscription:
        query = query.where(AlertMessage.subscription == subscription)
    with Session(engine) as session:
        messages = list(reversed(session.scalars(query).all()))
        deliveries = session.scalars(
            select(AlertDelivery)
            .where(AlertDelivery.message_id.in_([m.id for m in messages]))
            .order_by(AlertDelivery.id)
        ).all()
        by_message: dict[int, list[DeliveryEntry]] = {}
        for d in deliveries:
            entry = DeliveryEntry(d.target, d.status, d.attempts, d.delivered_at, d.last_error)
            by_message.setdefault(d.message_id, []).append(entry)
        return [
            MessageEntry(m.id, m.subscription, m.created_at, m.title, by_message.get(m.id, []))
            for m in messages
        ]


def recorded_keys(engine: Engine, subscription: str) -> set[str]:
    with Session(engine) as session:
        query = select(AlertDevelopment.key).where(AlertDevelopment.subscription == subscription)
        return set(session.scalars(query))
