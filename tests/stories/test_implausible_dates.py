"""No stage crashes on a date: an article whose date is a placeholder (year 1) or in the future
is stored and grouped by a date it can be believed on, with one WARNING line naming outlet and
URL."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from mediamon.core.db import open_database
from mediamon.core.models import ArticleRow, StoryMember
from pipelines.stories import StoriesPipeline
from tests.support.articles import Pipelines, make_article

YEAR_ONE = datetime(1, 1, 1, tzinfo=UTC)
DRONES = (
    "Drones struck an oil depot in Novorossiysk on Tuesday, the Krasnodar governor Veniamin "
    "Kondratyev said, and 2 tanks burned for 6 hours before firefighters put out the blaze."
)


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    return open_database(f"sqlite:///{tmp_path}/mediamon.sqlite")


def story_of(engine: Engine, article_id: int | None) -> int | None:
    with Session(engine) as session:
        query = select(StoryMember.story_id).where(StoryMember.article_id == article_id)
        return session.scalar(query)


def test_a_listing_placeholder_date_is_neither_stored_nor_a_crash(
    engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    item = make_article("https://wire.example/1", DRONES)
    item.published_at, item.hint_published, item.hint_source = None, YEAR_ONE, "feeds"
    with caplog.at_level(logging.WARNING):
        Pipelines(engine).run(item)
    with Session(engine) as session:
        row = session.scalars(select(ArticleRow)).one()
    assert row.published_at is None and row.published_source is None
    assert row.first_seen_at == item.fetched_at
    assert story_of(engine, item.id) is not None
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "wire" in warnings[0] and item.url in warnings[0]


def test_a_stored_placeholder_date_is_grouped_by_its_fetch_time(engine: Engine) -> None:
    item = make_article("https://wire.example/1", DRONES)
    Pipelines(engine).store.store([item])
    with Session(engine) as session:  # stored before dates were checked
        session.execute(update(ArticleRow).values(published_at=YEAR_ONE))
        session.commit()
    assert item.id is not None
    StoriesPipeline(engine).group([item.id])
    assert story_of(engine, item.id) is not None
