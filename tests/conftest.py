"""Shared fixtures: the project's config and the local outlet world; markers by directory.

Every test under tests/e2e/ is marked ``e2e`` (real crawls of the outlet world, scheduler
processes, chromium), so ``pytest -m "not e2e"`` is the quick loop; a test elsewhere that starts
a real crawl carries ``@pytest.mark.e2e`` itself. A test on the PostgreSQL server (the
``postgresql`` case of a parametrised database, or the migrated template) is marked ``postgres``.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support import PROJECT_CONFIG

E2E = Path(__file__).resolve().parent / "e2e"
WORKERS_PER_CORE = 2


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """``-n auto``: two workers per core. A test spends about half its time waiting for the
    crawl processes and servers it started; one worker per core left the cores half idle."""
    return WORKERS_PER_CORE * (os.cpu_count() or 1)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.is_relative_to(E2E):
            item.add_marker(pytest.mark.e2e)
        callspec = getattr(item, "callspec", None)
        on_postgres = callspec is not None and "postgresql" in callspec.params.values()
        if on_postgres or "migrated_postgres_template" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.postgres)
    # xdist hands out test files in this order: those with real crawls first, so that quick
    # files fill the workers' last minutes instead of one long file running alone at the end.
    slow = {item.path for item in items if item.get_closest_marker("e2e")}
    items.sort(key=lambda item: item.path not in slow)


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    """A writable copy of the project's shipped config directory."""
    target = tmp_path / "config"
    shutil.copytree(PROJECT_CONFIG, target)
    return target


@pytest.fixture(scope="module")
def world() -> Iterator[Any]:
    from mediamon.world import OutletWorld

    with OutletWorld() as running:
        yield running


@pytest.fixture
def world_config(world: Any, tmp_path: Path) -> Path:
    """A config directory pointing at the outlet world, with the project's topics."""
    return world.write_config(tmp_path / "world-config", PROJECT_CONFIG / "topics.yaml")


@pytest.fixture
def webhook() -> Iterator[Any]:
    """A local HTTP server on 127.0.0.1 that records the JSON POSTed to it (``.received``)."""
    from tests.support.scheduler import webhook_receiver

    with webhook_receiver() as server:
        yield server


@pytest.fixture(scope="session")
def migrated_postgres_template() -> Iterator[str]:
    """The name of a PostgreSQL database migrated once, which test databases are copies of."""
    from mediamon.core.db import open_database
    from tests.support import temporary_postgres_database

    with temporary_postgres_database() as url:
        open_database(url).dispose()  # a template must have no connections when it is copied
        yield url.rsplit("/", 1)[1]


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database of each kind: a new SQLite file, and one on the real PostgreSQL.

    The PostgreSQL one is a copy of a migrated template, so opening it migrates nothing.
    """
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/mediamon.sqlite"
        return
    from tests.support import temporary_postgres_database

    template = request.getfixturevalue("migrated_postgres_template")
    with temporary_postgres_database(template) as url:
        yield url
