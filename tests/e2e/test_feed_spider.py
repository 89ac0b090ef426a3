"""The feed spider as users run it: `scrapy crawl feeds -a outlet=ID`, and the domain guard."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from mediamon.core.db import open_database
from mediamon.core.models import ArticleRow
from tests.support import REPO


def scrapy_crawl(config: Path, database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MEDIAMON_CONFIG": str(config), "MEDIAMON_DATABASE_URL": database_url}
    command = [sys.executable, "-m", "scrapy", "crawl", "feeds", *args]
    return subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=240)


def stored_urls(database_url: str) -> set[str]:
    with Session(open_database(database_url)) as session:
        return set(session.scalars(select(ArticleRow.url)))


def test_scrapy_crawl_feeds_limited_to_one_outlet(
    world: Any, world_config: Path, tmp_path: Path
) -> None:
    outlet = world.outlets[1]
    database_url = f"sqlite:///{tmp_path}/one.sqlite"
    world.clear_requests()
    result = scrapy_crawl(world_config, database_url, "-a", f"outlet={outlet.id}")
    assert result.returncode == 0, result.stderr[-2000:]
    expected = {a.url for a in world.articles if a.outlet_id == outlet.id}
    assert stored_urls(database_url) == expected
    assert {r.host for r in world.requests} == {outlet.host}


def test_feed_entries_off_the_outlets_domains_are_not_followed(
    world: Any, world_config: Path, tmp_path: Path
) -> None:
    """An outlet whose feed lists another host's articles: nothing is fetched from that host."""
    outlets_file = world_config / "outlets.yaml"
    data = yaml.safe_load(outlets_file.read_text())
    first, second = data["outlets"][0], data["outlets"][1]
    first["feeds"] = second["feeds"]
    data["outlets"] = [first]
    outlets_file.write_text(yaml.safe_dump(data, allow_unicode=True))
    database_url = f"sqlite:///{tmp_path}/guard.sqlite"
    world.clear_requests()
    result = scrapy_crawl(world_config, database_url)
    assert result.returncode == 0, result.stderr[-2000:]
    assert stored_urls(database_url) == set()
    article_paths = {a.path for a in world.articles}
    assert not [r.url for r in world.requests if r.path in article_paths]
    assert "'mediamon/offsite/feed_entries':" in result.stderr
