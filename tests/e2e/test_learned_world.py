"""Learning across crawls of the local outlet world: a line recurring in an outlet's articles is
learned, removed from later articles as they are crawled, and from earlier ones by reextract."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from mediamon.core.db import open_database
from mediamon.core.models import ArticleRow, BoilerplateLine
from tests.support import PROJECT_CONFIG, run_mediamon

RECURRING = "Our correspondents file from the region under the new media law; read our policy."
MIN_ARTICLES = 2


def new_story(world: Any, outlet_id: str, number: int) -> str:
    article = world.add_article(
        outlet_id,
        title=f"Council approves budget amendment number {number}",
        paragraphs=[
            f"The city council approved budget amendment {number} late on Tuesday after a long "
            "debate about road repairs, school heating and the cost of snow clearing.",
            f"Amendment {number} moves money from the reserve fund to the transport department, "
            "which says several bridges need urgent work before the winter.",
            RECURRING,
        ],
    )
    return str(article.url)


def stored_text(database_url: str, url: str) -> str:
    with Session(open_database(database_url)) as session:
        return session.scalars(select(ArticleRow.text).where(ArticleRow.url == url)).one()


def test_learning_across_crawls_and_reextract(world: Any, tmp_path: Path) -> None:
    outlet_id = world.outlets[0].id
    database_url = f"sqlite:///{tmp_path}/world.sqlite"
    settings = tmp_path / "settings.yaml"
    settings.write_text(
        yaml.safe_dump({"database_url": database_url, "boilerplate_min_articles": MIN_ARTICLES})
    )
    config = world.write_config(tmp_path / "config", PROJECT_CONFIG / "topics.yaml", settings)
    options = ("--config", str(config), "--database-url", database_url)

    earliest = new_story(world, outlet_id, 1)
    run_mediamon("crawl", *options)
    assert RECURRING in stored_text(database_url, earliest)

    later = [new_story(world, outlet_id, number) for number in (2, 3)]
    run_mediamon("crawl", *options)
    assert all(RECURRING not in stored_text(database_url, url) for url in later)
    with Session(open_database(database_url)) as session:
        learned = session.scalars(
            select(BoilerplateLine.text).where(BoilerplateLine.status == "learned")
        ).all()
    assert RECURRING in learned
    assert RECURRING in run_mediamon("boilerplate", "list", outlet_id, *options).stdout

    assert "changed" in run_mediamon("reextract", "--outlet", outlet_id, *options).stdout
    assert RECURRING not in stored_text(database_url, earliest)
    again = run_mediamon("reextract", "--outlet", outlet_id, *options).stdout
    assert " 0 changed" in again
