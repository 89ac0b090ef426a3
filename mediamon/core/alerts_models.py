"""The model of alerts.yaml: subscriptions to developments of stories and topics, and how their
messages are delivered (mediamon.alerts does the detecting and the sending)."""

from __future__ import annotations

import re
from datetime import time

from pydantic import Field, field_validator, model_validator

from mediamon.core.config_types import HttpUrl, Slug, Strict, checked_query

DEVELOPMENT_KINDS = ("new_story", "spreading", "spike", "material_edit")
QUIET_HOURS = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$")


class TargetModel(Strict):
    """Where a subscription's messages go: exactly one of a webhook, e-mail addresses (through
    settings.yaml's ``alerts.email`` SMTP server) or an Apprise URL."""

    webhook: HttpUrl | None = None
    email: list[str] | None = Field(None, min_length=1)
    apprise: str | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> TargetModel:
        given = [name for name in ("webhook", "email", "apprise") if getattr(self, name)]
        if len(given) != 1:
            raise ValueError(
                "a target is exactly one of 'webhook: URL', 'email: [addresses]' or "
                f"'apprise: URL' (found {given or 'none'})"
            )
        return self

    @field_validator("apprise")
    @classmethod
    def _apprise_url(cls, value: str | None) -> str | None:
        if value is not None and "://" not in value:
            raise ValueError(f"'{value}' is not an Apprise URL; expected e.g. ntfy://topic")
        return value


class SubscriptionModel(Strict):
    """Which developments of which topics (or of the stories matching a query) to push, where,
    how often at most, and when not."""

    id: Slug
    topics: list[str] = Field(default_factory=list)
    query: str | None = None
    """A query of the topic query language: only stories with an article matching it."""
    developments: list[str] = Field(default_factory=lambda: list(DEVELOPMENT_KINDS))
    outlets: list[int] = Field(default_factory=lambda: [3], min_length=0)
    labels: list[str] = Field(default_factory=lambda: ["state-owned"])
    min_interval_minutes: float = Field(30, ge=0)
    quiet_hours: str | None = None
    spike_factor: float = Field(3.0, gt=1)
    spike_min_articles: int = Field(5, ge=1)
    to: list[TargetModel] = Field(min_length=1)

    @field_validator("query")
    @classmethod
    def _query(cls, value: str | None) -> str | None:
        return None if value is None else checked_query(value)

    @field_validator("developments")
    @classmethod
    def _known_kinds(cls, value: list[str]) -> list[str]:
        unknown = [kind for kind in value if kind not in DEVELOPMENT_KINDS]
        if unknown:
            raise ValueError(f"unknown development(s) {unknown}; choose from {DEVELOPMENT_KINDS}")
        return value

    @field_validator("outlets")
    @classmethod
    def _counts(cls, value: list[int]) -> list[int]:
        if any(count < 2 for count in value):
            raise ValueError(f"{value}: a story reaching N outlets needs N of 2 or more")
        return sorted(set(value))

    @field_validator("quiet_hours")
    @classmethod
    def _quiet_hours(cls, value: str | None) -> str | None:
        if value is not None and not QUIET_HOURS.match(value):
            raise ValueError(f"'{value}' is not a span of hours; expected e.g. '22:00-07:00'")
        return value

    def quiet_span(self) -> tuple[time, time] | None:
        """Quiet hours as (start, end) in the configured time zone; the span may pass midnight."""
        match = QUIET_HOURS.match(self.quiet_hours or "")
        if match is None:
            return None
        h1, m1, h2, m2 = (int(part) for part in match.groups())
        return time(h1, m1), time(h2, m2)


class AlertsFile(Strict):
    """alerts.yaml: optional; absent, there are no subscriptions."""

    subscriptions: list[SubscriptionModel] = Field(default_factory=list)
    workspace_url: HttpUrl | None = None
    retry_seconds: float = Field(60, gt=0)
    max_attempts: int = Field(6, ge=1)
    timeout_seconds: float = Field(10, gt=0)

    def subscription(self, subscription_id: str) -> SubscriptionModel:
        for subscription in self.subscriptions:
            if subscription.id == subscription_id:
                return subscription
        known = ", ".join(s.id for s in self.subscriptions) or "none"
        raise KeyError(f"no subscription '{subscription_id}' in alerts.yaml; known: {known}")
