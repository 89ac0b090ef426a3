"""The stories stage groups what the store stage hands on, without reading the articles back."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, select
from sqlalchemy.orm import Session

from mediamon.core.db import open_database
from mediamon.core.models import StoryMember
from pipelines.store import StorePipeline
from pipelines.stories import StoriesPipeline, new_article
from tests.support.articles import make_article

# Reading the article back (ARTICLE_QUERY); the titles of a story's other members, which a
# growing story's headline is chosen from, are read through story_members.
READS_ARTICLES = re.compile(r"\bFROM articles\b", re.IGNORECASE)
DRONES = (
    "Drones struck an oil depot in Novorossiysk on Tuesday, the Krasnodar governor Veniamin "
    "Kondratyev said, and 2 tanks burned for 6 hours before firefighters put out the blaze.\n"
    "Kondratyev said 14 people were evacuated from Novorossiysk; the Black Sea port kept working."
)
BANK = (
    "The Central Bank of Russia kept its key rate at 16 percent, Elvira Nabiullina told reporters "
    "in Moscow, citing inflation of 7.4 percent in Tatarstan and Bashkortostan in September."
)


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    return open_database(f"sqlite:///{tmp_path}/mediamon.sqlite")


@pytest.fixture
def statements(engine: Engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(*args: Any) -> None:
        seen.append(args[2])

    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


def stored_items(engine: Engine) -> list[Any]:
    items = [
        make_article("https://wire.example/1", DRONES, outlet_id="wire"),
        make_article("https://daily.example/2", DRONES, outlet_id="daily"),
        make_article("https://wire.example/3", BANK, outlet_id="wire"),
    ]
    StorePipeline(engine).store(items)
    assert all(item.id is not None for item in items) and items[1].duplicate_of == items[0].id
    return items


def stories_of(engine: Engine, items: list[Any]) -> list[int]:
    with Session(engine) as session:
        story = dict(session.execute(select(StoryMember.article_id, StoryMember.story_id)).all())
    return [story[item.id] for item in items]


def test_grouping_an_item_reads_no_article_back(engine: Engine, statements: list[str]) -> None:
    items = stored_items(engine)
    statements.clear()
    pipeline = StoriesPipeline(engine)
    for item in items:
        pipeline.process_item(item)
    assert statements and not [s for s in statements if READS_ARTICLES.search(s)]
    first, copy, other = stories_of(engine, items)
    assert copy == first and other != first


def test_a_crawl_batch_reads_no_article_back(engine: Engine, statements: list[str]) -> None:
    items = stored_items(engine)
    statements.clear()
    pipeline = StoriesPipeline(engine)

    async def crawl() -> list[Any]:
        return list(await asyncio.gather(*[pipeline.process_item(item) for item in items]))

    assert asyncio.run(crawl()) == items
    assert statements and not [s for s in statements if READS_ARTICLES.search(s)]
    assert stories_of(engine, items)[0] == stories_of(engine, items)[1]


def test_grouping_by_id_and_by_item_agree(tmp_path: Path) -> None:
    by_item, by_id = (open_database(f"sqlite:///{tmp_path}/{n}.sqlite") for n in ("a", "b"))
    items, stored = stored_items(by_item), stored_items(by_id)
    StoriesPipeline(by_item).group_articles([new_article(item) for item in items])
    StoriesPipeline(by_id).group([item.id for item in stored])
    assert stories_of(by_item, items) == stories_of(by_id, stored)
