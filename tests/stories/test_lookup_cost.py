"""Finding the stories an article may join does not read every story that ever used its
everyday words: an article that names enough is looked up by its names."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, insert

from mediamon.core.db import open_database
from mediamon.stories.features import article_features, is_name
from mediamon.stories.records import STORIES, STORY_KEYS
from mediamon.stories.storage import story_of
from tests.stories.test_stories import (
    MAY_10,
    SHEBEKINO_MAY_10,
    SHEBEKINO_MAY_10_RU,
    store,
    store_russian_report,
)

STEP = 100  # SQLite virtual machine instructions per progress call


def add_stories_sharing_words(engine: Engine, count: int, first_article_id: int) -> None:
    """``count`` stories of a year ago whose centroids have every content word of the Russian
    report of May 10, and none of its names."""
    russian = article_features("\n".join(SHEBEKINO_MAY_10_RU))
    words = [key for key in russian if not is_name(key)]
    long_ago = MAY_10 - timedelta(days=365)
    with engine.begin() as connection:
        for number in range(count):
            moment = long_ago - timedelta(days=3 * number)
            story_id = connection.execute(
                insert(STORIES).returning(STORIES.c.id),
                {
                    "headline": f"Another report, number {number}",
                    "first_outlet_id": "archive",
                    "first_article_id": first_article_id,
                    "first_seen_at": moment,
                    "last_seen_at": moment,
                    "article_count": 1,
                    "norm_squared": float(len(words)),
                },
            ).scalar_one()
            keys = [
                {"key": key, "story_id": story_id, "articles": 1, "weight": 1.0} for key in words
            ]
            connection.execute(insert(STORY_KEYS), keys)


def instructions_to_group_a_translation(tmp_path: Path, stories_sharing_words: int) -> int:
    """SQLite instructions run to store and group the Russian report of May 10, two hours after
    the English one, beside ``stories_sharing_words`` old stories; checks that it joined the
    English report's story."""
    engine = open_database(f"sqlite:///{tmp_path / f'{stories_sharing_words}.sqlite'}")
    first = store(engine, "https://wire.example/1", SHEBEKINO_MAY_10, published=MAY_10)
    add_stories_sharing_words(engine, stories_sharing_words, first)
    engine.dispose()
    counted = [0]

    def count_instructions(connection: Any, _record: Any) -> None:
        connection.set_progress_handler(lambda: counted.__setitem__(0, counted[0] + 1), STEP)

    event.listen(engine, "connect", count_instructions)
    russian = store_russian_report(engine)
    joined, opened = story_of(engine, russian), story_of(engine, first)
    assert joined is not None and opened is not None and joined.id == opened.id
    return counted[0] * STEP


def test_old_stories_sharing_an_articles_everyday_words_do_not_make_its_lookup_dearer(
    tmp_path: Path,
) -> None:
    few = instructions_to_group_a_translation(tmp_path, 50)
    many = instructions_to_group_a_translation(tmp_path, 500)
    assert many < 1.1 * few, f"{few} instructions beside 50 such stories, {many} beside 500"
