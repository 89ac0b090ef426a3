"""Stories: the same development across outlets and languages, kept apart from similar ones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine

from mediamon.cli import main
from mediamon.db import open_database
from pipelines.story_store import StoryView, stories_between, story_of
from tests.articles import Pipelines, make_article

EVER = (datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))
SHEBEKINO_MAY_10 = [
    "Ukrainian shelling of the town of Shebekino in Russia's Belgorod region injured three "
    "people on Wednesday, Governor Vyacheslav Gladkov said.",
    "A shell hit the yard of a grain elevator on Zheleznodorozhnaya Street, Gladkov wrote on "
    "Telegram, and windows were shattered in 14 apartment blocks and a kindergarten.",
    "Two of the injured, a woman and a teenager, were taken to hospital in Belgorod. The third, "
    "an elevator worker, was treated at the scene.",
]
SHEBEKINO_MAY_10_RU = [
    "В результате обстрела Шебекино Белгородской области ранены три человека, сообщил "
    "губернатор Вячеслав Гладков.",
    "По словам Гладкова, снаряд попал во двор элеватора на Железнодорожной улице, в 14 "
    "многоквартирных домах и детском саду выбиты окна.",
    "Двоих раненых, женщину и подростка, доставили в больницу в Белгороде, сотруднику "
    "элеватора помощь оказали на месте.",
]
SHEBEKINO_MAY_11 = [
    "Two people were killed when shells hit the village of Novaya Tavolzhanka near Shebekino "
    "in Russia's Belgorod region on Thursday, Governor Vyacheslav Gladkov said.",
    "Gladkov said on Telegram that a car carrying workers of the local water utility was hit "
    "on the road to Maslova Pristan, and that power lines were damaged in 6 streets.",
    "Schools in the Shebekino district will switch to remote learning until the end of the "
    "week, the regional education ministry said.",
]
MAY_10 = datetime(2023, 5, 10, 8, 0, tzinfo=UTC)


@pytest.fixture
def engine(database_url: str) -> Engine:
    return open_database(database_url)


def store(engine: Engine, url: str, paragraphs: list[str], **fields: Any) -> int:
    item = Pipelines(engine).run(make_article(url, "\n".join(paragraphs), **fields))
    assert item.id is not None
    return item.id


def story(engine: Engine, article_id: int) -> StoryView:
    found = story_of(engine, article_id)
    assert found is not None
    return found


def store_world(engine: Engine, articles: list[Any]) -> dict[str, int]:
    return {
        article.url: store(
            engine,
            article.url,
            list(article.body),
            title=article.title,
            outlet_id=article.outlet_id,
            published=article.published.astimezone(UTC),
            language=article.language,
        )
        for article in articles
    }


@pytest.mark.parametrize("arrival", ["published", "reversed"])
def test_world_incursion_coverage_is_one_story_across_languages(
    engine: Engine, world: Any, arrival: str
) -> None:
    articles = sorted(world.articles, key=lambda a: a.published, reverse=arrival == "reversed")
    ids = store_world(engine, articles)
    first_days = [
        a for a in world.articles if a.about_belgorod and a.published.date().day in (22, 23)
    ]
    stories = {story(engine, ids[a.url]).id for a in first_days}
    assert len(stories) == 1
    incursion = story(engine, ids[first_days[0].url])
    assert {a.language for a in first_days} == {"en", "ru", "uk"}
    assert len(incursion.outlets) == len({a.outlet_id for a in first_days}) >= 4
    earliest = min(first_days, key=lambda a: a.published)
    assert incursion.first_outlet_id == earliest.outlet_id
    assert incursion.first_seen_at == earliest.published
    assert incursion.headline in {a.title for a in first_days}
    unrelated = [a for a in world.articles if not a.about_belgorod]
    assert all(len(story(engine, ids[a.url]).articles) == 1 for a in unrelated)


def test_one_report_in_two_languages_is_one_story(engine: Engine) -> None:
    english = store(engine, "https://wire.example/1", SHEBEKINO_MAY_10, published=MAY_10)
    russian = store(
        engine,
        "https://vesti.example/1",
        SHEBEKINO_MAY_10_RU,
        outlet_id="vesti",
        language="ru",
        published=MAY_10 + timedelta(hours=2),
        title="Три человека ранены при обстреле Шебекино",
    )
    joined = story(engine, russian)
    assert joined.id == story(engine, english).id
    assert joined.outlets == ["wire", "vesti"]
    assert joined.first_outlet_id == "wire"


def test_shelling_reports_on_different_days_are_separate_stories(engine: Engine) -> None:
    first = store(engine, "https://wire.example/1", SHEBEKINO_MAY_10, published=MAY_10)
    store(
        engine,
        "https://vesti.example/1",
        SHEBEKINO_MAY_10_RU,
        outlet_id="vesti",
        language="ru",
        published=MAY_10 + timedelta(hours=2),
    )
    second = store(
        engine, "https://wire.example/2", SHEBEKINO_MAY_11, published=MAY_10 + timedelta(days=1)
    )
    assert story(engine, first).id != story(engine, second).id
    assert len(stories_between(engine, *EVER)) == 2


def test_a_copy_joins_the_story_of_its_original(engine: Engine) -> None:
    original = store(engine, "https://wire.example/1", SHEBEKINO_MAY_10, published=MAY_10)
    copy = store(
        engine,
        "https://daily.example/9",
        SHEBEKINO_MAY_10[:2],
        outlet_id="daily",
        published=MAY_10 + timedelta(hours=5),
        title="Shelling injures three in Shebekino",
    )
    grouped = story(engine, copy)
    assert grouped.id == story(engine, original).id
    assert [(a.outlet_id, a.duplicate_of) for a in grouped.articles] == [
        ("wire", None),
        ("daily", original),
    ]


def test_stories_command_lists_a_story_with_its_outlets(
    engine: Engine, database_url: str, config_dir: Path
) -> None:
    store(engine, "https://wire.example/1", SHEBEKINO_MAY_10, published=MAY_10)
    store(
        engine,
        "https://vesti.example/1",
        SHEBEKINO_MAY_10_RU,
        outlet_id="vesti",
        language="ru",
        published=MAY_10 + timedelta(hours=2),
        title="Обстрел Шебекино",
    )
    options = [
        "--config",
        str(config_dir),
        "--database-url",
        database_url,
    ]
    result = CliRunner().invoke(main, ["stories", "--since", "2023-05-01", *options])
    assert result.exit_code == 0, result.output
    assert "first: wire; outlets: wire, vesti" in result.output
    assert "[vesti] Обстрел Шебекино" in result.output
    assert result.output.rstrip().endswith("1 story")
    hidden = CliRunner().invoke(
        main, ["stories", "--since", "2023-05-01", "--min-outlets", "3", *options]
    )
    assert hidden.output.rstrip().endswith("0 stories")


def test_versions_command_diffs_two_texts_of_one_url(
    engine: Engine, database_url: str, config_dir: Path
) -> None:
    store(engine, "https://wire.example/1", SHEBEKINO_MAY_10, published=MAY_10)
    store(
        engine,
        "https://wire.example/1",
        [*SHEBEKINO_MAY_10[:2], "The injured died."],
        published=MAY_10,
    )
    options = [
        "--config",
        str(config_dir),
        "--database-url",
        database_url,
    ]
    listed = CliRunner().invoke(
        main, ["versions", "https://wire.example/1/?utm_source=x", *options]
    )
    assert listed.exit_code == 0, listed.output
    assert [line.split()[0] for line in listed.output.splitlines()] == ["1", "2"]
    diff = CliRunner().invoke(
        main, ["versions", "https://wire.example/1", "--diff", "1", "2", *options]
    )
    assert "+The injured died." in diff.output
    assert "-Two of the injured" in diff.output
