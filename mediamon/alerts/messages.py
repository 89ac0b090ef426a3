"""A message of a subscription: the developments of one story (or topic) merged, saying what
happened, with the story's headline, outlets, languages, a link and why it matched."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from mediamon.alerts.delivery import Outgoing
from mediamon.alerts.developments import Development, matching_topics
from mediamon.alerts.facts import StoryFacts
from mediamon.core.alerts_models import AlertsFile, SubscriptionModel
from mediamon.core.textclean import without_bidi_controls

KIND_WORDS = {
    "new_story": "new story",
    "spreading": "spreading",
    "spike": "spike",
    "material_edit": "material edit",
}


@dataclass(frozen=True)
class Pending:
    """A recorded development waiting for its message."""

    kind: str
    key: str
    summary: str
    detail: dict[str, Any]

    @classmethod
    def of(cls, development: Development) -> Pending:
        return cls(development.kind, development.key, development.summary, development.detail)


def compose(
    subscription: SubscriptionModel,
    subject: str,
    pending: Sequence[Pending],
    story: StoryFacts | None,
    alerts: AlertsFile,
) -> Outgoing:
    kinds = list(dict.fromkeys(KIND_WORDS[p.kind] for p in pending))
    what = [_clean(p.summary) for p in pending]
    if story is None:
        title = f"mediamon [{subscription.id}] {', '.join(kinds)}: {subject}"
        lines = [*what, f"why: subscription {subscription.id}"]
        payload = _payload(subscription, subject, pending, title, {})
        return Outgoing(title, "\n".join(lines) + "\n", payload)
    headline = _clean(story.headline)
    title = f"mediamon [{subscription.id}] {', '.join(kinds)}: {headline}"
    topics = matching_topics(subscription, story)
    why = f"subscription {subscription.id}" + (f", topics {', '.join(topics)}" if topics else "")
    if subscription.query is not None:
        why += f", query {subscription.query}"
    link = _link(story, alerts)
    lines = [
        headline,
        *(f"- {line}" for line in what),
        f"outlets ({len(story.outlet_ids)}): {', '.join(story.outlet_ids)}",
        f"languages: {', '.join(story.languages) or 'unknown'}",
        f"link: {link}",
        f"why: {why}",
    ]
    story_fields = {
        "story": story.id,
        "headline": headline,
        "outlets": story.outlet_ids,
        "languages": story.languages,
        "link": link,
        "topics": topics,
        "query": subscription.query,
    }
    payload = _payload(subscription, subject, pending, title, story_fields)
    return Outgoing(title, "\n".join(lines) + "\n", payload)


def _payload(
    subscription: SubscriptionModel,
    subject: str,
    pending: Sequence[Pending],
    title: str,
    story_fields: dict[str, Any],
) -> dict[str, Any]:
    """The JSON a webhook receives."""
    return {
        "source": "mediamon",
        "subscription": subscription.id,
        "subject": subject,
        "title": title,
        "developments": [
            {"kind": p.kind, "key": p.key, "summary": _clean(p.summary), **p.detail}
            for p in pending
        ],
        **story_fields,
    }


def _link(story: StoryFacts, alerts: AlertsFile) -> str:
    if alerts.workspace_url:
        return f"{alerts.workspace_url.rstrip('/')}/stories/{story.id}"
    return story.first.url


def _clean(text: str) -> str:
    """Scraped text in a message: one line, without bidi overrides."""
    return " ".join(without_bidi_controls(text).split())
