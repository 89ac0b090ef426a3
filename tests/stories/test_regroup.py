"""`mediamon stories regroup` rebuilds the stories a crawl built, and `mediamon stories show`
says why each article is in its story (issue 16)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from click.testing import CliRunner
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from mediamon.cli import main
from mediamon.core.db import open_database
from mediamon.core.models import StoryMember
from tests.stories.test_stories import store_world


def partition(engine: Engine) -> set[frozenset[int]]:
    """The stories as sets of article ids (story ids change when stories are rebuilt)."""
    with Session(engine) as session:
        rows = session.execute(select(StoryMember.story_id, StoryMember.article_id)).all()
    stories: dict[int, set[int]] = {}
    for story_id, article_id in rows:
        stories.setdefault(story_id, set()).add(article_id)
    return {frozenset(members) for members in stories.values()}


def test_regroup_on_a_stored_set_gives_the_stories_the_crawl_built_in_publication_order(
    tmp_path: Path, config_dir: Path, world: Any
) -> None:
    url = f"sqlite:///{tmp_path / 'mediamon.sqlite'}"
    engine = open_database(url)
    store_world(engine, sorted(world.articles, key=lambda a: a.published))
    crawled = partition(engine)
    assert any(len(story) > 2 for story in crawled)
    options = ["--config", str(config_dir), "--database-url", url]
    for since in ([], ["--since", "2023-05-20"]):
        result = CliRunner().invoke(main, ["stories", "regroup", *since, *options])
        assert result.exit_code == 0, result.output
        assert "articles regrouped" in result.output
        assert partition(engine) == crawled


def test_stories_show_says_why_each_article_joined(
    tmp_path: Path, config_dir: Path, world: Any
) -> None:
    url = f"sqlite:///{tmp_path / 'mediamon.sqlite'}"
    engine = open_database(url)
    ids = store_world(engine, sorted(world.articles, key=lambda a: a.published))
    belgorod = [ids[a.url] for a in world.articles if a.about_belgorod]
    with Session(engine) as session:
        story_id = session.get_one(StoryMember, belgorod[0]).story_id
    options = ["--config", str(config_dir), "--database-url", url]
    result = CliRunner().invoke(main, ["stories", "show", str(story_id), *options])
    assert result.exit_code == 0, result.output
    assert "started the story" in result.output
    assert "similarity 0." in result.output
    assert "Gladkov" in result.output or "Гладков" in result.output
    missing = CliRunner().invoke(main, ["stories", "show", "999999", *options])
    assert missing.exit_code == 1
    assert "no story 999999" in missing.output
