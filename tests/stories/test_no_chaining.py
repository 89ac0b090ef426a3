"""Stories that hold on real coverage (issue 16): unrelated events in the same countries and
weeks stay apart however large they grow, an article on the border of two stories does not
chain them, an idle story is closed, one event in three languages is one story, and a reprint
years later is not forced into its original's story."""

from __future__ import annotations

import logging
import random
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from mediamon.core.db import open_database
from mediamon.core.models import ArticleRow, StoryMember
from tests.stories.test_stories import (
    MAY_10,
    SHEBEKINO_MAY_10,
    SHEBEKINO_MAY_10_RU,
    SHEBEKINO_MAY_11,
    store,
    store_world,
    story,
)

SHEBEKINO_MAY_10_UK = [
    "Внаслідок обстрілу Шебекіного Бєлгородської області поранено трьох людей, повідомив "
    "губернатор В'ячеслав Гладков.",
    "За словами Гладкова, снаряд влучив у двір елеватора на Залізничній вулиці, у 14 "
    "багатоквартирних будинках і дитячому садку вибито вікна.",
    "Двох поранених, жінку та підлітка, доставили до лікарні в Бєлгороді, працівникові "
    "елеватора допомогу надали на місці.",
]
# Two unrelated events in the same countries and weeks: each names its own people, places and
# figures, and both name the countries, leaders and institutions everyone names.
SHARED = ("Russia", "Ukraine", "the EU", "the Kremlin", "Germany", "Putin", "Brussels")
STRIKE = (
    "Pilots at Ryanair walked out for {n} hours at Dublin airport, the union Forsa said, "
    "and {m} flights were cancelled as talks with {shared} stalled.",
    "Eddie Wilson, Ryanair's chief people officer, said the airline would not raise wages "
    "while fuel costs tied to {shared} kept rising, calling the strike by {n} pilots reckless.",
    "Passengers queued at Stansted and Dublin as Ryanair cancelled {m} flights; Forsa said "
    "the pilots would strike again unless the airline met them before {shared} summit.",
    "The Irish Airline Pilots' Association, part of Forsa, balloted {n} members, and Wilson "
    "told reporters that the dispute had nothing to do with {shared}.",
)
PIPELINE = (
    "The German regulator Bundesnetzagentur suspended the certification of Nord Stream 2, "
    "saying Gazprom's operator in Zug had to become a German company, while {shared} watched.",
    "Matthias Warnig, head of Nord Stream 2 AG, said the pipeline from Ust-Luga to Lubmin "
    "could carry {n} billion cubic metres a year once {shared} stopped blocking it.",
    "Gazprom cut supplies through Yamal by {m} per cent, and the Bundesnetzagentur said the "
    "review of Nord Stream 2 would take at least {n} more days, a delay {shared} criticised.",
    "Engineers at Lubmin finished pressure tests on the second string of Nord Stream 2, "
    "Warnig said, and Gazprom filled {n} kilometres of the line as {shared} debated sanctions.",
)


def event_text(templates: tuple[str, ...], chance: random.Random) -> list[str]:
    picked = chance.sample(templates, chance.randint(2, 4))
    return [
        sentence.format(
            n=chance.randrange(12, 99), m=chance.randrange(100, 900), shared=chance.choice(SHARED)
        )
        for sentence in picked
    ]


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    return open_database(f"sqlite:///{tmp_path / 'mediamon.sqlite'}")


def stories_of(engine: Engine, ids: list[int]) -> set[int]:
    with Session(engine) as session:
        query = select(StoryMember.story_id).where(StoryMember.article_id.in_(ids))
        return set(session.scalars(query))


@pytest.mark.parametrize("articles_each", [10, 60])
def test_two_unrelated_events_in_the_same_countries_and_weeks_never_share_a_story(
    engine: Engine, articles_each: int
) -> None:
    chance = random.Random(articles_each)
    ids: dict[str, list[int]] = {"strike": [], "pipeline": []}
    for n in range(articles_each):
        for name, templates in (("strike", STRIKE), ("pipeline", PIPELINE)):
            published = MAY_10 + timedelta(hours=chance.uniform(0, 24 * 14))
            url = f"https://{name}.example/{n}"
            text = event_text(templates, chance)
            ids[name].append(store(engine, url, text, published=published, outlet_id=name))
    assert stories_of(engine, ids["strike"]).isdisjoint(stories_of(engine, ids["pipeline"]))


def test_one_article_that_fits_two_stories_does_not_merge_them(engine: Engine) -> None:
    chance = random.Random(2)
    strike = [
        store(engine, f"https://a.example/{n}", event_text(STRIKE, chance), published=MAY_10)
        for n in range(3)
    ]
    pipeline = [
        store(engine, f"https://b.example/{n}", event_text(PIPELINE, chance), published=MAY_10)
        for n in range(3)
    ]
    roundup = [*STRIKE[:2], *PIPELINE[:2]]
    both = [p.format(n=40, m=400, shared="the EU") for p in roundup]
    store(engine, "https://roundup.example/1", both, published=MAY_10 + timedelta(hours=3))
    assert len(stories_of(engine, strike)) == 1
    assert len(stories_of(engine, pipeline)) == 1
    assert stories_of(engine, strike) != stories_of(engine, pipeline)


@pytest.mark.parametrize("days_apart", [3, 3.75])
def test_an_article_between_two_reports_days_apart_does_not_merge_their_stories(
    engine: Engine, days_apart: float
) -> None:
    # The two reports are as similar as two stories that merge, but the more days apart they
    # are, the more similar they must be, as for an article joining a story.
    apart = timedelta(days=days_apart)
    first = store(engine, "https://wire.example/1", SHEBEKINO_MAY_10, published=MAY_10)
    later = store(engine, "https://wire.example/2", SHEBEKINO_MAY_11, published=MAY_10 + apart)
    between = [*SHEBEKINO_MAY_10[:2], *SHEBEKINO_MAY_11[:2]]
    store(engine, "https://roundup.example/1", between, published=MAY_10 + apart / 2)
    assert story(engine, first).id != story(engine, later).id


def test_a_story_idle_past_its_window_does_not_take_a_new_article_about_the_same_place(
    engine: Engine,
) -> None:
    first = store(engine, "https://wire.example/1", SHEBEKINO_MAY_10, published=MAY_10)
    later = store(
        engine, "https://wire.example/2", SHEBEKINO_MAY_11, published=MAY_10 + timedelta(days=5)
    )
    assert story(engine, first).id != story(engine, later).id


def test_the_same_event_in_english_russian_and_ukrainian_is_one_story(engine: Engine) -> None:
    reports: list[tuple[list[str], dict[str, Any]]] = [
        (SHEBEKINO_MAY_10, {"outlet_id": "wire"}),
        (SHEBEKINO_MAY_10_RU, {"outlet_id": "vesti", "language": "ru"}),
        (SHEBEKINO_MAY_10_UK, {"outlet_id": "khvylia", "language": "uk"}),
    ]
    ids = [
        store(engine, f"https://{fields['outlet_id']}.example/1", text, published=when, **fields)
        for (text, fields), when in zip(
            reports, (MAY_10 + timedelta(hours=h) for h in (0, 2, 3)), strict=True
        )
    ]
    assert len({story(engine, i).id for i in ids}) == 1
    assert story(engine, ids[0]).outlets == ["wire", "vesti", "khvylia"]


def test_a_reprint_two_years_later_is_not_in_the_originals_story(engine: Engine) -> None:
    original = store(engine, "https://wire.example/1", SHEBEKINO_MAY_10, published=MAY_10)
    reprint = store(
        engine,
        "https://archive.example/1",
        SHEBEKINO_MAY_10,
        outlet_id="archive",
        published=MAY_10 + timedelta(days=730),
    )
    with Session(engine) as session:
        assert session.get_one(ArticleRow, reprint).duplicate_of == original
    assert story(engine, reprint).id != story(engine, original).id


COPYRIGHT = (
    "© 2023 Wire News Agency. All rights reserved. Reproduction without permission is prohibited."
)
NEWSLETTER = (
    "Subscribe to the Wire News Agency newsletter and get the morning briefing in your inbox."
)


@pytest.mark.parametrize("boilerplate", [[COPYRIGHT], [NEWSLETTER], [COPYRIGHT, NEWSLETTER]])
def test_two_articles_sharing_only_an_outlets_copyright_line_or_newsletter_prompt_are_not_copies(
    engine: Engine, boilerplate: list[str]
) -> None:
    first = store(engine, "https://wire.example/1", ["Ryanair pilots strike again.", *boilerplate])
    second = store(
        engine,
        "https://wire.example/2",
        ["Nord Stream 2 certified.", *boilerplate],
        published=MAY_10 + timedelta(days=700),
    )
    with Session(engine) as session:
        assert session.get_one(ArticleRow, second).duplicate_of is None
    assert story(engine, first).id != story(engine, second).id


def test_a_merge_is_logged_with_its_reason(
    engine: Engine, world: Any, caplog: pytest.LogCaptureFixture
) -> None:
    # In reverse order the English and the Russian coverage start stories of their own, until
    # an article fits both and they turn out as similar to each other.
    caplog.set_level(logging.INFO, logger="mediamon.stories.grouping")
    store_world(engine, sorted(world.articles, key=lambda a: a.published, reverse=True))
    merges = [r.getMessage() for r in caplog.records if "merged into story" in r.getMessage()]
    assert merges
    assert all("fits both, and they are 0." in line for line in merges)
