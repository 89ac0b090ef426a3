"""Distributed crawling: one feeder and two `mediamon worker` processes over the real Redis."""

from __future__ import annotations

import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from redis import Redis
from sqlalchemy import select
from sqlalchemy.orm import Session

from mediamon.core.db import open_database
from mediamon.core.models import ArticleRow, Feed
from mediamon.crawl.distributed import (
    RedisUnavailable,
    check_redis,
    clear_namespace,
    namespace_keys,
    start_urls_key,
)
from mediamon.store.saving import store_article
from scrapers.handoff import ArticleHandoff
from scrapers.spiders.articles import stored_handoffs
from tests.store.test_store import article
from tests.support import PROJECT_CONFIG, REPO, run_mediamon

REDIS_URL = "redis://127.0.0.1:6379/0"
WORKERS = 2
# Long enough to outlast the gaps between the feeder's spiders, so no worker leaves early.
IDLE_EXIT = "15"


@pytest.fixture
def redis_namespace() -> Iterator[str]:
    """A namespace of this test's own on the real Redis, emptied afterwards."""
    try:
        check_redis(REDIS_URL)
    except RedisUnavailable as exc:
        raise AssertionError(f"distributed crawling tests need Redis: {exc}") from exc
    namespace = f"mediamon-test-{uuid.uuid4().hex[:12]}"
    yield namespace
    clear_namespace(REDIS_URL, namespace)
    assert namespace_keys(REDIS_URL, namespace) == []


def distributed_config(world: Any, directory: Path, database_url: str, namespace: str) -> Path:
    config = world.write_config(
        directory, PROJECT_CONFIG / "topics.yaml", database_url=database_url, discovery=True
    )
    settings_file = config / "settings.yaml"
    settings = yaml.safe_load(settings_file.read_text(encoding="utf-8"))
    settings.update(redis_url=REDIS_URL, redis_namespace=namespace)
    settings_file.write_text(yaml.safe_dump(settings), encoding="utf-8")
    return config


def start_worker(config: Path, *options: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "mediamon", "worker", "--config", str(config)]
    return subprocess.Popen(
        [*command, *(options or ("--idle-exit", IDLE_EXIT))],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def finish(worker: subprocess.Popen[str]) -> str:
    stdout, stderr = worker.communicate(timeout=240)
    assert worker.returncode == 0, f"worker failed:\n{stdout}\n{stderr}"
    return stdout


def stored_by_worker(output: str) -> int:
    match = re.search(r"worker: (\d+) new articles stored", output)
    assert match, output
    return int(match.group(1))


def test_feeder_and_two_workers_store_every_article_once(
    world: Any, tmp_path: Path, database_url: str, redis_namespace: str
) -> None:
    config = distributed_config(world, tmp_path / "config", database_url, redis_namespace)
    engine = open_database(database_url)  # migrated once, as a deployment does before workers
    world.clear_requests()
    workers = [start_worker(config) for _ in range(WORKERS)]
    try:
        feeder = run_mediamon("crawl", "--distributed", "--config", str(config))
        outputs = [finish(worker) for worker in workers]
    finally:
        for worker in workers:
            worker.kill()
    with Session(engine) as session:
        stored = list(session.scalars(select(ArticleRow.url)))
    expected = {article.url for article in world.articles}
    assert Counter(stored) == Counter(expected)
    fetched = Counter(r.url for r in world.requests if r.url in expected)
    assert fetched == Counter(expected), "each article page is requested exactly once"
    assert sum(stored_by_worker(output) for output in outputs) == len(expected)
    assert "articles queued for the workers" in feeder.stdout


def test_feeds_are_scheduled_and_a_second_run_queues_nothing_stored(
    world: Any, tmp_path: Path, redis_namespace: str
) -> None:
    database_url = f"sqlite:///{tmp_path}/mediamon.sqlite"
    config = distributed_config(world, tmp_path / "config", database_url, redis_namespace)
    engine = open_database(database_url)
    worker = start_worker(config)
    run_mediamon("crawl", "--distributed", "--spider", "feeds", "--config", str(config))
    assert stored_by_worker(finish(worker)) == len(world.articles)
    with Session(engine) as session:
        polled = {feed.url: feed.next_poll_at for feed in session.scalars(select(Feed))}
    assert set(polled) == {url for outlet in world.outlets for url in outlet.feed_urls}
    assert polled and all(polled.values()), "--due-only needs each feed's next poll time"
    world.clear_requests()
    again = run_mediamon("crawl", "--distributed", "--spider", "feeds", "--config", str(config))
    assert "  0 articles queued for the workers" in again.stdout
    assert not [r for r in world.requests if r.url in {a.url for a in world.articles}]


def test_a_worker_without_idle_exit_runs_until_sigterm(
    world_config: Path, redis_namespace: str, tmp_path: Path
) -> None:
    settings_file = world_config / "settings.yaml"
    settings = yaml.safe_load(settings_file.read_text(encoding="utf-8"))
    settings.update(redis_namespace=redis_namespace, database_url=f"sqlite:///{tmp_path}/m.db")
    settings_file.write_text(yaml.safe_dump(settings), encoding="utf-8")
    worker = start_worker(world_config, "--log-level", "INFO")
    try:
        assert worker.stderr is not None
        for line in worker.stderr:
            if "articles: started" in line:
                break
        assert worker.poll() is None, "a worker with nothing to do keeps waiting"
        worker.send_signal(signal.SIGTERM)
        assert "finished: finished" in finish(worker)  # its normal end: exit 0, a healthy run
    finally:
        worker.kill()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize("command", [("worker", "--idle-exit", "1"), ("crawl", "--distributed")])
def test_an_unreachable_redis_is_a_clear_error(
    world_config: Path, command: tuple[str, ...]
) -> None:
    url = f"redis://127.0.0.1:{closed_port()}/0"
    result = run_mediamon(*command, "--config", str(world_config), "--redis-url", url, check=False)
    assert result.returncode != 0
    assert f"cannot reach Redis at {url}" in result.stderr
    assert "Traceback" not in result.stderr


def handoff(url: str, outlet_id: str) -> ArticleHandoff:
    return ArticleHandoff(url, outlet_id, source_url=None, title=None, published=None)


def test_a_handoff_is_stored_when_its_own_outlet_stored_it(tmp_path: Path) -> None:
    """Each outlet's handoffs are looked up as its own: its row's canonical URL counts, another
    outlet's declared canonical URL does not."""
    engine = open_database(f"sqlite:///{tmp_path}/m.sqlite")
    en, ru = "https://meduza.io/en/a/1", "https://meduza.io/ru/b/2"
    store_article(engine, article(f"{en}/print", outlet_id="meduza-en", canonical_url=en))
    store_article(engine, article(ru, outlet_id="meduza-ru", canonical_url="https://meduza.io/x"))
    asked = [
        handoff(en, "meduza-en"),
        handoff("https://meduza.io/x", "meduza-en"),  # only meduza-ru's claim
        handoff(ru, "meduza-en"),  # fetched by meduza-ru: not fetched again
        handoff("https://meduza.io/en/a/3", "meduza-en"),
    ]
    assert stored_handoffs(engine, asked) == {asked[0], asked[2]}
    engine.dispose()


def test_a_worker_skips_an_article_its_outlet_stored_under_another_address(
    world: Any, tmp_path: Path, redis_namespace: str
) -> None:
    database_url = f"sqlite:///{tmp_path}/m.sqlite"
    config = distributed_config(world, tmp_path / "config", database_url, redis_namespace)
    engine = open_database(database_url)
    outlet = world.outlets[0]
    stored, new = (a.url for a in outlet.latest(2))
    store_article(engine, article(f"{stored}?print=1", outlet_id=outlet.id, canonical_url=stored))
    queue = Redis.from_url(REDIS_URL)
    for url in (stored, new):
        queue.rpush(start_urls_key(redis_namespace), handoff(url, outlet.id).to_json())
    world.clear_requests()
    output = finish(start_worker(config, "--idle-exit", "1"))
    assert "worker: 1 new articles stored, 1 already stored" in output
    assert {r.url for r in world.requests} & {stored, new} == {new}


def test_a_worker_whose_database_stays_locked_exits_1_with_one_line(
    world: Any, tmp_path: Path, redis_namespace: str
) -> None:
    database = tmp_path / "locked.sqlite"
    database_url = f"sqlite:///{database}?timeout=1"
    config = distributed_config(world, tmp_path / "config", database_url, redis_namespace)
    open_database(database_url).dispose()
    queue = Redis.from_url(REDIS_URL)
    for url in (a.url for a in world.outlets[0].latest(2)):
        queue.rpush(start_urls_key(redis_namespace), handoff(url, world.outlets[0].id).to_json())
    holder = sqlite3.connect(database, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process writing, past the 1 s busy timeout
    try:
        stdout, stderr = start_worker(config, "--idle-exit", "5").communicate(timeout=240)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert "Traceback" not in stderr, stderr
    errors = [line for line in stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, stdout + stderr
    assert errors[0].startswith("Error: the crawl stopped early: cannot write to the database: ")
    assert "database is locked" in errors[0] and "(finished: db_unwritable)" in stdout
