"""Stories: the same development across outlets and languages, kept apart from similar ones."""

from __future__ import annotations

import asyncio
import multiprocessing
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import Session

from mediamon.cli import main
from mediamon.core.db import open_database
from mediamon.core.models import ArticleRow, EntityKeyFrequency, Story, StoryKey, StoryMember
from mediamon.stories.features import article_features
from mediamon.stories.storage import ALL_ARTICLES, StoryView, stories_between, story_of
from pipelines.stories import StoriesPipeline
from tests.support.articles import Pipelines, make_article

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


def store_russian_report(engine: Engine, **fields: Any) -> int:
    """The Russian report of the May 10 shelling, from vesti two hours after the English one."""
    return store(
        engine,
        "https://vesti.example/1",
        SHEBEKINO_MAY_10_RU,
        outlet_id="vesti",
        language="ru",
        published=MAY_10 + timedelta(hours=2),
        **fields,
    )


def story(engine: Engine, article_id: int) -> StoryView:
    found = story_of(engine, article_id)
    assert found is not None
    return found


def world_item(article: Any) -> Any:
    return make_article(
        article.url,
        article.text,
        title=article.title,
        outlet_id=article.outlet_id,
        published=article.published.astimezone(UTC),
        language=article.language,
    )


def store_world(engine: Engine, articles: list[Any]) -> dict[str, int]:
    """Store and group ``articles`` one at a time, in this order; their ids by URL."""
    return {article.url: store_item(engine, world_item(article)) for article in articles}


def store_item(engine: Engine, item: Any) -> int:
    stored = Pipelines(engine).run(item)
    assert stored.id is not None
    return stored.id


def store_world_ungrouped(engine: Engine, articles: list[Any]) -> list[Any]:
    """Store ``articles`` in this order, in one batch, without grouping them."""
    items = [world_item(article) for article in articles]
    Pipelines(engine).store.store(items)
    assert items and all(item.id is not None for item in items)
    return items


def group_as_a_crawl(engine: Engine, items: list[Any], batch: int) -> Counter[str]:
    """Hand stored ``items`` to the stories stage in batches, as the store stage of a crawl lets
    them go, each batch in one turn of an asyncio loop; the pipeline's counts."""
    stats = StatsRecorder()
    pipeline = StoriesPipeline(engine, cast(Any, stats))

    assert items and batch > 0

    async def crawl() -> None:
        for start in range(0, len(items), batch):
            handed = [pipeline.process_item(item) for item in items[start : start + batch]]
            assert await asyncio.gather(*handed) == items[start : start + batch]

    asyncio.run(crawl())
    pipeline.close_spider()
    return stats.values


class StatsRecorder:
    """The part of Scrapy's stats collector pipelines use."""

    def __init__(self) -> None:
        self.values: Counter[str] = Counter()

    def inc_value(self, key: str, count: int = 1) -> None:
        self.values[key] += count


@pytest.mark.parametrize("arrival", ["published", "reversed"])
@pytest.mark.parametrize("grouped", ["one at a time", "in batches"])
def test_world_incursion_coverage_is_one_story_across_languages(
    engine: Engine, world: Any, arrival: str, grouped: str
) -> None:
    articles = sorted(world.articles, key=lambda a: a.published, reverse=arrival == "reversed")
    if grouped == "one at a time":
        ids = store_world(engine, articles)
    else:
        items = store_world_ungrouped(engine, articles)
        counts = group_as_a_crawl(engine, items, batch=5)
        assert counts.total() == len(articles)
        ids = {item.url: item.id for item in items}
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
    assert unrelated
    assert all(len(story(engine, ids[a.url]).articles) == 1 for a in unrelated)
    assert_consistent(engine)


def test_an_article_that_cannot_be_grouped_fails_alone(engine: Engine, world: Any) -> None:
    items = store_world_ungrouped(engine, sorted(world.articles, key=lambda a: a.published))
    broken = make_article("https://broken.example/1", "")
    # An id the database refuses: too large for SQLite's integers, not a number for PostgreSQL.
    broken.id = cast(Any, 2**70 if engine.dialect.name == "sqlite" else "broken")
    batch = [*items[:3], broken, *items[3:]]
    pipeline = StoriesPipeline(engine)

    async def crawl() -> list[Any]:
        handed = [pipeline.process_item(item) for item in batch]
        return await asyncio.gather(*handed, return_exceptions=True)

    results = asyncio.run(crawl())
    assert isinstance(results[3], Exception)
    assert [*results[:3], *results[4:]] == items
    assert_consistent(engine)


def _group_together(database_url: str, article_ids: list[int], barrier: Any) -> None:
    """Group articles one per transaction, as a crawl process on its own outlets does, once the
    other processes are ready too."""
    engine = open_database(database_url)
    pipeline = StoriesPipeline(engine)
    barrier.wait(timeout=60)
    for article_id in article_ids:
        pipeline.group([article_id])
    engine.dispose()


def test_crawl_processes_grouping_one_database_at_once_build_the_same_stories(
    engine: Engine, database_url: str, world: Any
) -> None:
    items = store_world_ungrouped(engine, sorted(world.articles, key=lambda a: a.published))
    outlets = sorted({item.outlet_id for item in items})
    shards = [
        [item.id for item in items if outlets.index(item.outlet_id) % 2 == shard]
        for shard in range(2)
    ]
    spawn = multiprocessing.get_context("spawn")
    barrier = spawn.Barrier(len(shards))
    processes = [
        spawn.Process(target=_group_together, args=(database_url, shard, barrier))
        for shard in shards
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
    assert [process.exitcode for process in processes] == [0] * len(shards)

    assert_consistent(engine)
    first_days = [
        item.id
        for article, item in zip(
            sorted(world.articles, key=lambda a: a.published), items, strict=True
        )
        if article.about_belgorod and article.published.date().day in (22, 23)
    ]
    assert len({story(engine, article_id).id for article_id in first_days}) == 1


def test_a_story_grown_by_another_process_keeps_its_headline_right(
    engine: Engine, world: Any
) -> None:
    # Each pipeline remembers the members of the stories it grew; the other one grows them too.
    items = store_world_ungrouped(engine, sorted(world.articles, key=lambda a: a.published))
    pipelines = [StoriesPipeline(engine), StoriesPipeline(engine)]
    for turn, item in enumerate(items):
        pipelines[turn % 2].process_item(item)
    assert_consistent(engine)


def assert_consistent(engine: Engine) -> None:
    """Every stored article is in one story, and what is stored about stories agrees with their
    members: counts, time spans, key counts, centroid lengths, feature frequencies (of every
    feature of the members' texts) and representative headlines."""
    with Session(engine) as session:
        texts = {i: text for i, text in session.execute(select(ArticleRow.id, ArticleRow.text))}
        query = (
            select(StoryMember, ArticleRow.title)
            .join(ArticleRow, ArticleRow.id == StoryMember.article_id)
            .order_by(StoryMember.seen_at, StoryMember.article_id)
        )
        members: dict[int, list[tuple[StoryMember, str]]] = {}
        for member, title in session.execute(query):
            members.setdefault(member.story_id, []).append((member, title or ""))
        stories = {story.id: story for story in session.scalars(select(Story))}
        assert members and set(members) == set(stories)
        grouped = sum(len(story_members) for story_members in members.values())
        assert grouped == session.scalar(select(func.count()).select_from(ArticleRow))
        all_keys: Counter[str] = Counter()
        for story_id, story_members in members.items():
            story, counts = stories[story_id], Counter[str]()
            for member, _ in story_members:
                counts.update(member.keys)
                all_keys.update(list(article_features(texts[member.article_id])))
            assert story.article_count == len(story_members)
            assert story.first_seen_at == story_members[0][0].seen_at
            assert story.last_seen_at == max(member.seen_at for member, _ in story_members)
            earliest = [m.article_id for m, _ in story_members if m.seen_at == story.first_seen_at]
            assert story.first_article_id in earliest
            keys = select(StoryKey.key, StoryKey.articles, StoryKey.weight).where(
                StoryKey.story_id == story_id
            )
            stored = session.execute(keys).all()
            assert {key: count for key, count, _ in stored} == counts
            assert story.norm_squared == pytest.approx(sum(w * w for *_, w in stored))
            _, representative = max(
                story_members, key=lambda pair: sum(counts[key] - 1 for key in pair[0].keys)
            )
            assert story.headline == representative
        frequencies = select(EntityKeyFrequency.key, EntityKeyFrequency.articles)
        counted = {key: count for key, count in session.execute(frequencies)}
        assert counted.pop(ALL_ARTICLES) == grouped
        assert counted == all_keys


def test_one_report_in_two_languages_is_one_story(engine: Engine) -> None:
    english = store(engine, "https://wire.example/1", SHEBEKINO_MAY_10, published=MAY_10)
    russian = store_russian_report(engine, title="Три человека ранены при обстреле Шебекино")
    joined = story(engine, russian)
    assert joined.id == story(engine, english).id
    assert joined.outlets == ["wire", "vesti"]
    assert joined.first_outlet_id == "wire"


def test_shelling_reports_on_different_days_are_separate_stories(engine: Engine) -> None:
    first = store(engine, "https://wire.example/1", SHEBEKINO_MAY_10, published=MAY_10)
    store_russian_report(engine)
    second = store(
        engine, "https://wire.example/2", SHEBEKINO_MAY_11, published=MAY_10 + timedelta(days=1)
    )
    assert story(engine, first).id != story(engine, second).id
    assert len(stories_between(engine, *EVER)) == 2


def test_a_database_grouped_before_the_total_was_kept_has_it_counted(engine: Engine) -> None:
    store(engine, "https://wire.example/1", SHEBEKINO_MAY_10, published=MAY_10)
    with Session(engine) as session, session.begin():
        session.execute(delete(EntityKeyFrequency).where(EntityKeyFrequency.key == ALL_ARTICLES))
    store_russian_report(engine)
    assert_consistent(engine)


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
    store_russian_report(engine, title="Обстрел Шебекино")
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
    assert result.output.rstrip().endswith("1 story first seen since 2023-05-01 (UTC)")
    hidden = CliRunner().invoke(
        main, ["stories", "--since", "2023-05-01", "--min-outlets", "3", *options]
    )
    assert hidden.output.rstrip().endswith(
        "0 stories first seen since 2023-05-01 (UTC) with at least 3 outlets"
    )


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
