"""Generated outlets and stories for benchmarks: as many as asked, the same on every run.

Texts are sentences drawn by a seeded generator from a small English vocabulary, so articles are
distinct (no near-duplicates, no recurring paragraph taken for boilerplate) yet reproducible.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import get_args

from mediamon.world import appeals
from mediamon.world.chrome import ENGLISH
from mediamon.world.model import FeedFormat, FeedSpec, OutletSpec, Story

FORMATS: tuple[FeedFormat, ...] = get_args(FeedFormat)
FIRST_PUBLISHED = datetime(2023, 5, 1, 6, tzinfo=UTC)
SUBJECTS = (
    "the regional council", "a ministry spokesperson", "local farmers", "the port authority",
    "opposition deputies", "railway workers", "the central bank", "a group of scientists",
    "hospital staff", "city residents", "the energy regulator", "teachers' unions",
)  # fmt: skip
VERBS = (
    "announced", "questioned", "postponed", "welcomed", "criticised", "approved",
    "investigated", "defended", "rejected", "outlined", "reviewed", "demanded",
)  # fmt: skip
OBJECTS = (
    "a new budget for road repairs", "plans to expand the harbour", "the delayed bridge project",
    "a reform of school meals", "rising prices for heating", "the closure of a river ferry",
    "new rules for street markets", "a survey of water quality", "the grain export figures",
    "an agreement with neighbouring towns", "the timetable for the autumn elections",
    "a programme of tree planting", "late payments to contractors", "a shortage of nurses",
)  # fmt: skip
DETAILS = (
    "on Tuesday", "after a long meeting", "despite earlier objections", "in a written statement",
    "according to officials", "for the third time this year", "without giving a date",
    "amid growing pressure", "following complaints from residents", "at a press conference",
)  # fmt: skip


def generated_outlets(count: int, feeds_per_outlet: int = 1) -> list[OutletSpec]:
    """``count`` English outlets ``gen-000``..., each with ``feeds_per_outlet`` feeds."""
    return [_outlet(index, feeds_per_outlet) for index in range(count)]


def generated_stories(specs: list[OutletSpec], per_outlet: int, seed: int = 2023) -> list[Story]:
    """``per_outlet`` stories for each outlet, about two hours apart, from ``seed``."""
    chance = random.Random(seed)
    return [_story(spec.id, n, chance) for spec in specs for n in range(per_outlet)]


def _outlet(index: int, feeds: int) -> OutletSpec:
    name = f"Generated Gazette {index:03d}"
    return OutletSpec(
        id=f"gen-{index:03d}",
        name=name,
        language="en",
        labels=("generated",),
        tagline=f"News from town {index:03d}",
        feeds=tuple(
            FeedSpec(f"/feeds/{n}.xml", FORMATS[n % len(FORMATS)], f"{name} - feed {n}", name)
            for n in range(feeds)
        ),
        article_path="/{yyyy}/{mm}/{dd}/{slug}",
        article_pattern=r"/\d{4}/\d{2}/\d{2}/[\w-]+$",
        serial_base=1,
        chrome=ENGLISH,
        blocks=appeals.NORTHERN_BROADCASTING,
    )


def _story(outlet_id: str, number: int, chance: random.Random) -> Story:
    subject, verb, thing = chance.choice(SUBJECTS), chance.choice(VERBS), chance.choice(OBJECTS)
    return Story(
        outlet_id=outlet_id,
        slug=f"story-{number:04d}",
        title=f"{subject.capitalize()} {verb} {thing} ({number})",
        published=FIRST_PUBLISHED + timedelta(hours=2 * number, minutes=chance.randrange(60)),
        author="Newsroom",
        section="news",
        paragraphs=tuple(_paragraph(chance) for _ in range(chance.randint(4, 7))),
    )


def _paragraph(chance: random.Random) -> str:
    return " ".join(_sentence(chance) for _ in range(chance.randint(3, 5)))


def _sentence(chance: random.Random) -> str:
    words = (chance.choice(SUBJECTS), chance.choice(VERBS), chance.choice(OBJECTS))
    return f"{' '.join(words).capitalize()} {chance.choice(DETAILS)}."
