"""The whole crawl path against the real PostgreSQL service, selected by database URL alone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from mediamon.core.db import open_database
from mediamon.core.models import ArticleRow, ArticleTopic
from tests.support import run_mediamon, temporary_postgres_database

pytestmark = pytest.mark.postgres


def test_crawl_and_digest_on_postgresql(world: Any, world_config: Path, tmp_path: Path) -> None:
    with temporary_postgres_database() as url:
        crawl = ("crawl", "--config", str(world_config), "--database-url", url)
        first = run_mediamon(*crawl)
        assert f"{len(world.articles)} new articles stored" in first.stdout
        assert "0 new articles stored" in run_mediamon(*crawl).stdout
        engine = open_database(url)
        with Session(engine) as session:
            stored = set(session.scalars(select(ArticleRow.url)))
            tagged = set(
                session.scalars(
                    select(ArticleRow.url)
                    .join(ArticleTopic)
                    .where(ArticleTopic.topic_id == "belgorod-incursion")
                )
            )
        engine.dispose()
        assert stored == {a.url for a in world.articles}
        assert tagged == {a.url for a in world.articles if a.about_belgorod}
        digest = run_mediamon(
            "digest", "--config", str(world_config), "--database-url", url, "--date", "2023-05-23"
        )
        assert "Belgorod" in digest.stdout
