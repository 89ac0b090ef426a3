"""Developments of a subscription's stories and topics, each with a stable key: the same state
gives the same keys in any process, so recording them under a unique key sends each once.

The kinds (the ``developments`` of a subscription) are a table, :data:`DETECTORS`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from mediamon.alerts.facts import EditFact, StoryFacts
from mediamon.alerts.material import material_change
from mediamon.core.alerts_models import SubscriptionModel

SPIKE_BASELINE_HOURS = 24


@dataclass(frozen=True)
class Development:
    kind: str
    key: str
    subject: str
    """What messages merge by: ``story:<id>`` or ``topic:<id>``."""
    summary: str
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Scene:
    """What detection looks at: the active stories, recent edits, each topic's hourly counts."""

    now: datetime
    stories: Sequence[StoryFacts]
    edits: Sequence[EditFact]
    labels: dict[str, tuple[str, ...]]  # outlet id -> labels
    hourly: dict[str, list[int]]  # topic id -> articles per hour, oldest first, the last is now
    queried: dict[str, frozenset[int]] = field(default_factory=dict)
    """Subscription id -> the stories matching its ``query`` (subscriptions with one only)."""


def detect(subscription: SubscriptionModel, scene: Scene) -> list[Development]:
    """Every development of the subscription's kinds the scene holds (recorded ones included)."""
    found: list[Development] = []
    for kind in subscription.developments:
        found += DETECTORS[kind](subscription, scene)
    return found


def matching_topics(subscription: SubscriptionModel, story: StoryFacts) -> list[str]:
    """The subscribed topics of the story's articles (every topic found, with no topics set)."""
    tagged = [topic for member in story.members for topic in sorted(member.topics)]
    wanted = set(subscription.topics)
    return list(dict.fromkeys(t for t in tagged if not wanted or t in wanted))


def subscribed(subscription: SubscriptionModel, story: StoryFacts, scene: Scene) -> bool:
    """Whether the story is one of the subscription's: of its topics (any, with none set), and
    matching its query (when it has one)."""
    if subscription.query is not None and story.id not in scene.queried.get(subscription.id, ()):
        return False
    return not subscription.topics or bool(matching_topics(subscription, story))


def new_stories(subscription: SubscriptionModel, scene: Scene) -> list[Development]:
    return [
        Development(
            "new_story",
            f"story:{story.id}:new",
            f"story:{story.id}",
            f"new story: {story.headline}",
            {"outlet": story.first.outlet_id},
        )
        for story in scene.stories
        if subscribed(subscription, story, scene)
    ]


def spreading(subscription: SubscriptionModel, scene: Scene) -> list[Development]:
    found: list[Development] = []
    for story in scene.stories:
        if subscribed(subscription, story, scene):
            found += _outlet_counts(subscription, story)
            found += _new_languages(story)
            found += _new_label_groups(subscription, story, scene.labels)
    return found


def _outlet_counts(subscription: SubscriptionModel, story: StoryFacts) -> list[Development]:
    reached = len(story.outlet_ids)
    return [
        Development(
            "spreading",
            f"story:{story.id}:outlets:{count}",
            f"story:{story.id}",
            f"reached {count} outlets",
            {"outlets": count},
        )
        for count in subscription.outlets
        if reached >= count
    ]


def _new_languages(story: StoryFacts) -> list[Development]:
    first = story.first.language
    return [
        Development(
            "spreading",
            f"story:{story.id}:language:{language}",
            f"story:{story.id}",
            f"new language: {language} ({_first_in(story, language=language)})",
            {"language": language},
        )
        for language in story.languages
        if language != first
    ]


def _new_label_groups(
    subscription: SubscriptionModel, story: StoryFacts, labels: dict[str, tuple[str, ...]]
) -> list[Development]:
    first = set(labels.get(story.first.outlet_id, ()))
    found = []
    for label in subscription.labels:
        outlets = [o for o in story.outlet_ids if label in labels.get(o, ())]
        if outlets and label not in first:
            found.append(
                Development(
                    "spreading",
                    f"story:{story.id}:label:{label}",
                    f"story:{story.id}",
                    f"first {label} coverage: {outlets[0]}",
                    {"label": label, "outlet": outlets[0]},
                )
            )
    return found


def _first_in(story: StoryFacts, language: str) -> str:
    return next(m.outlet_id for m in story.members if m.language == language)


def material_edits(subscription: SubscriptionModel, scene: Scene) -> list[Development]:
    stories = {story.id: story for story in scene.stories if subscribed(subscription, story, scene)}
    found = []
    for edit in scene.edits:
        if edit.story_id not in stories:
            continue
        change = material_change(edit.old_title, edit.new_title, edit.old_text, edit.new_text)
        if change is not None:
            found.append(
                Development(
                    "material_edit",
                    f"article:{edit.article_id}:edit:{edit.number}",
                    f"story:{edit.story_id}",
                    f"material edit ({change}): {edit.url}",
                    {
                        "article": edit.article_id,
                        "url": edit.url,
                        "change": change,
                        "before": edit.old_title,
                        "after": edit.new_title,
                    },
                )
            )
    return found


def spikes(subscription: SubscriptionModel, scene: Scene) -> list[Development]:
    found = []
    hour = scene.now.replace(minute=0, second=0, microsecond=0)
    for topic in subscription.topics:
        *baseline, current = scene.hourly.get(topic, [0])
        usual = sum(baseline) / len(baseline) if baseline else 0.0
        if (
            current >= subscription.spike_min_articles
            and current > subscription.spike_factor * usual
        ):
            found.append(
                Development(
                    "spike",
                    f"topic:{topic}:spike:{hour:%Y-%m-%dT%H}",
                    f"topic:{topic}",
                    f"spike: {current} articles on {topic} in the last hour, "
                    f"against {usual:.1f} an hour over the {len(baseline)} before",
                    {"topic": topic, "articles": current, "baseline": round(usual, 2)},
                )
            )
    return found


DETECTORS: dict[str, Callable[[SubscriptionModel, Scene], list[Development]]] = {
    "new_story": new_stories,
    "spreading": spreading,
    "spike": spikes,
    "material_edit": material_edits,
}
