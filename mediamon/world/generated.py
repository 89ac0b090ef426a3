"""Generated outlets and stories for benchmarks: as many as asked, the same on every run.

Texts are sentences drawn by a seeded generator, so articles are distinct (no near-duplicates, no
recurring paragraph taken for boilerplate) yet reproducible. As in news, two unrelated articles
share few word triples (about 4 %; a small phrase book would give a fifth, making every article
a near-duplicate candidate of a quarter of the archive) and few names: each paragraph names one
person or place and gives one figure.
"""

from __future__ import annotations

import dataclasses
import random
from datetime import UTC, datetime, timedelta
from typing import get_args

from mediamon.world import appeals
from mediamon.world.chrome import ENGLISH
from mediamon.world.model import FeedFormat, FeedSpec, OutletSpec, Story

FORMATS: tuple[FeedFormat, ...] = get_args(FeedFormat)
FIRST_PUBLISHED = datetime(2023, 5, 1, 6, tzinfo=UTC)
VERBS = (
    "announced", "questioned", "postponed", "welcomed", "criticised", "approved",
    "investigated", "defended", "rejected", "outlined", "reviewed", "demanded", "blocked",
    "funded", "cancelled", "praised", "challenged", "delayed", "endorsed", "opposed", "audited",
    "revived", "scrapped", "extended", "suspended", "backed", "debated", "unveiled", "amended",
)  # fmt: skip
ADJECTIVES = (
    "new", "delayed", "disputed", "regional", "costly", "revised", "emergency", "long-awaited",
    "temporary", "controversial", "modest", "ambitious", "cross-border", "municipal", "rural",
    "coastal", "five-year", "joint", "private", "public", "second", "unfinished", "annual", "draft",
    "northern", "southern", "overdue", "popular", "unpopular", "expensive", "cheaper", "smaller",
    "larger", "green", "digital", "seasonal", "interim", "final", "local", "national",
)  # fmt: skip
NOUNS = (
    "budget", "harbour expansion", "bridge project", "school meals reform", "heating tariff",
    "ferry service", "market rules", "water survey", "grain contract", "bus network",
    "election timetable", "tree planting scheme", "hospital wing", "housing plan", "rail link",
    "power line", "flood defence", "fishing quota", "road tax", "airport runway", "wind farm",
    "pension fund", "tram line", "recycling plant", "sports hall", "museum grant", "clinic",
    "library", "police station", "fire service", "parking fees", "bike lanes", "dam repairs",
    "theatre", "water tower", "grain silo", "ring road", "ski lift", "youth centre", "sewer",
    "bakery subsidy", "tourist tax", "coal mine", "solar park", "dairy", "shipyard", "stadium",
)  # fmt: skip
UNITS = ("million roubles", "households", "jobs", "kilometres", "tonnes", "beds", "signatures")
DETAILS = (
    "{person} said", "according to {person}", "as {person} put it", "officials in {town} said",
    "{person} told reporters in {town}", "in a statement by {person}",
)  # fmt: skip
TIMINGS = (
    "this week", "on Monday", "on Tuesday", "on Wednesday", "on Thursday", "on Friday",
    "last month", "after a vote", "for next year", "before the summer", "once again", "at last",
)  # fmt: skip
BODIES = (
    "council", "port authority", "farmers", "deputies", "railway workers", "central bank",
    "scientists", "hospital staff", "residents", "energy regulator", "teachers' union", "mayor",
    "governor", "prosecutors", "auditors", "police", "fishermen", "miners", "students", "doctors",
    "landlords", "shopkeepers", "pensioners", "engineers", "lawyers", "judges", "firefighters",
)  # fmt: skip
SYLLABLES = (
    "bar", "vel", "dun", "mor", "ost", "kar", "lin", "sel", "tor", "ven", "gra", "mil", "nor",
    "pet", "ros", "shan", "tal", "ber", "cas", "dal", "fen", "hol", "kir", "lom", "mar", "ril",
    "zab", "gut", "pav", "lev", "sok", "drom", "vik", "nes", "bog", "rat", "tum", "jar", "ped",
)  # fmt: skip


# A news site's article page carries hundreds of links around the article (a section menu, a
# footer link farm): generated pages weigh what the corpus's article pages weigh (~50 KB), so
# extraction costs what it costs on real pages.
SECTION_TOPICS = (
    "Politics", "Business", "Economy", "Markets", "Technology", "Science", "Health", "Education",
    "Environment", "Culture", "Books", "Music", "Film", "Travel", "Food", "Sport", "Football",
    "Tennis", "Motoring", "Property", "Jobs", "Weather", "Opinion", "Letters", "Obituaries",
)  # fmt: skip
SECTION_PLACES = (
    "Local", "Regional", "National", "World", "Europe", "Asia", "Africa", "Americas",
    "North", "South", "East", "West",
)  # fmt: skip
PORTAL = dataclasses.replace(
    ENGLISH,
    nav=tuple(f"{place} {topic}" for place in SECTION_PLACES for topic in SECTION_TOPICS),
    footer_links=tuple(
        f"{topic} {kind}" for topic in SECTION_TOPICS for kind in ("archive", "newsletter", "RSS")
    )
    + ENGLISH.footer_links,
)


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
        chrome=PORTAL,
        blocks=appeals.NORTHERN_BROADCASTING,
    )


def _story(outlet_id: str, number: int, chance: random.Random) -> Story:
    return Story(
        outlet_id=outlet_id,
        slug=f"story-{number:04d}",
        title=f"{_headline(chance)} ({number})",
        published=FIRST_PUBLISHED + timedelta(hours=2 * number, minutes=chance.randrange(60)),
        author="Newsroom",
        section="news",
        paragraphs=tuple(_paragraph(chance) for _ in range(chance.randint(4, 7))),
    )


def _paragraph(chance: random.Random) -> str:
    """Sentences about the outlet's affairs; one names a person or a place and gives a figure."""
    sentences = [_sentence(chance) for _ in range(chance.randint(2, 4))]
    sentences.insert(chance.randrange(len(sentences) + 1), _attributed(chance))
    return " ".join(sentences)


def _sentence(chance: random.Random) -> str:
    return f"{_clause(chance).capitalize()} {chance.choice(TIMINGS)}."


def _attributed(chance: random.Random) -> str:
    figure = f"{chance.randrange(100, 9990)} {chance.choice(UNITS)}"
    detail = chance.choice(DETAILS).format(person=_person(chance), town=_name(chance))
    return f"{_clause(chance).capitalize()}, {detail}, citing {figure}."


def _headline(chance: random.Random) -> str:
    return f"{_name(chance)} {_clause(chance).removeprefix('the ')}"


def _clause(chance: random.Random) -> str:
    body, verb = chance.choice(BODIES), chance.choice(VERBS)
    return f"the {body} {verb} the {chance.choice(ADJECTIVES)} {chance.choice(NOUNS)}"


def _name(chance: random.Random) -> str:
    return "".join(chance.choice(SYLLABLES) for _ in range(3)).capitalize()


def _person(chance: random.Random) -> str:
    return f"{_name(chance)} {_name(chance)}"
