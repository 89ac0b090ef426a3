"""Alerts on the outlet world: real crawls (`mediamon crawl` processes) of a developing story,
messages received by a local webhook. A story fires "new story" once; its spreading to more
outlets and a new language is one merged message after the rate limit, not three; polls with
nothing new send nothing; a dead target is retried and recorded without failing the crawl; two
crawl processes, and two workers, send each development once. (A headline edit in the world,
fetched again and alerted as a material edit, is tested in tests/e2e/test_edits_world.py.)"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from mediamon.alerts.check import check_alerts
from mediamon.core.config import load_config
from mediamon.core.db import open_database
from mediamon.core.models import AlertDelivery, utcnow
from mediamon.world.developing import EN, HEADLINE, RU
from tests.e2e.test_distributed import (
    distributed_config,
    finish,
    redis_namespace,
    start_worker,
    stored_by_worker,
)
from tests.support import PROJECT_CONFIG, run_mediamon

__all__ = ["redis_namespace"]  # the fixture, shared


def write_alerts(
    config: Path, target: dict[str, Any], minutes: float = 60, retry_seconds: float = 1
) -> None:
    subscription = {
        "id": "desk",
        "topics": ["belgorod-incursion"],
        "developments": ["new_story", "spreading", "material_edit"],
        "outlets": [3],
        "min_interval_minutes": minutes,
        "to": [target],
    }
    (config / "alerts.yaml").write_text(
        yaml.safe_dump(
            {"subscriptions": [subscription], "retry_seconds": retry_seconds, "max_attempts": 3}
        )
    )


def about(messages: list[dict[str, Any]], story: int) -> list[dict[str, Any]]:
    """The messages about one story (the world's starting stories have developments too)."""
    return [m for m in messages if m.get("story") == story]


def kinds(message: dict[str, Any]) -> list[str]:
    return [d["kind"] for d in message["developments"]]


@pytest.mark.timeout(1200)  # fourteen crawls of the world, on shared cores
def test_a_developing_story_alerts_once_per_development(
    world: Any, webhook: Any, tmp_path: Path
) -> None:
    database_url = f"sqlite:///{tmp_path}/alerts.sqlite"
    config = world.write_config(tmp_path / "config", PROJECT_CONFIG / "topics.yaml")
    write_alerts(config, {"webhook": webhook.url})
    options = ("--config", str(config), "--database-url", database_url)
    run_mediamon("crawl", *options)  # the world's starting stories: alerts of their own
    before = len(webhook.received)

    first = world.add_article("moscowmonitor", title=HEADLINE, paragraphs=EN, slug="glotovo")
    run_mediamon("crawl", *options)
    new = webhook.received[before:]
    assert [kinds(m) for m in new] == [["new_story"]]
    assert new[0]["outlets"] == ["moscowmonitor"] and new[0]["link"] == first.url
    assert new[0]["topics"] == ["belgorod-incursion"]
    story = new[0]["story"]

    world.add_article("northernbroadcasting", title=HEADLINE + " - governor", paragraphs=EN)
    run_mediamon("crawl", *options)
    world.add_article("khvylia", title="Legion saboteurs in Glotovo, Belgorod", paragraphs=EN)
    world.add_article("meridian", title="Диверсанты легиона у Глотово", paragraphs=RU)
    run_mediamon("crawl", *options)
    assert about(webhook.received[before + 1 :], story) == []  # rate-limited: held, not lost

    engine = open_database(database_url)
    check_alerts(engine, load_config(config, database_url), utcnow() + timedelta(minutes=61))
    [spread] = about(webhook.received[before + 1 :], story)
    assert set(kinds(spread)) == {"spreading"}
    keys = {d["key"].split(":", 2)[2] for d in spread["developments"]}
    assert {"outlets:3", "language:ru"} <= keys
    assert "meridian" in spread["outlets"] and "ru" in spread["languages"]

    write_alerts(config, {"webhook": webhook.url}, minutes=0)  # no more waiting from here on
    sent = len(webhook.received)
    for _ in range(10):
        run_mediamon("crawl", "--spider", "feeds", *options)  # as `mediamon run` polls
    assert len(webhook.received) == sent  # nothing new: nothing sent, about any story


def test_a_dead_target_is_retried_and_recorded_without_failing_the_crawl(
    world: Any, tmp_path: Path
) -> None:
    database_url = f"sqlite:///{tmp_path}/dead.sqlite"
    config = world.write_config(tmp_path / "config", PROJECT_CONFIG / "topics.yaml")
    dead = {"webhook": "http://127.0.0.1:9/nobody-listens"}
    write_alerts(config, dead, minutes=0, retry_seconds=3600)  # no retry within the crawl
    options = ("--config", str(config), "--database-url", database_url)
    assert run_mediamon("crawl", *options).returncode == 0

    engine = open_database(database_url)
    with Session(engine) as session:
        deliveries = session.scalars(select(AlertDelivery)).all()
        assert deliveries and all(d.status == "pending" for d in deliveries)
        assert all(d.attempts == 1 and "refused" in (d.last_error or "") for d in deliveries)
    loaded = load_config(config, database_url)
    for hours in (1, 3):  # the first retry after an hour, the second two hours after it
        check_alerts(engine, loaded, utcnow() + timedelta(hours=hours, minutes=1))
    with Session(engine) as session:
        deliveries = session.scalars(select(AlertDelivery)).all()
        assert all(d.status == "failed" and d.attempts == 3 for d in deliveries)
    log = run_mediamon("alerts", "log", *options).stdout
    assert "failed" in log and "attempts 3" in log


def delivered_keys(messages: list[dict[str, Any]]) -> list[str]:
    return [d["key"] for m in messages for d in m["developments"]]


def assert_each_development_once(messages: list[dict[str, Any]]) -> None:
    keys = delivered_keys(messages)
    assert keys, "the world's stories made no developments"
    assert [k for k, n in Counter(keys).items() if n > 1] == []
    new_stories = [m["story"] for m in messages if "new_story" in kinds(m)]
    assert len(new_stories) == len(set(new_stories))
    assert any("spreading" in kinds(m) for m in messages)


def test_two_crawl_processes_send_each_development_once(
    world: Any, webhook: Any, tmp_path: Path
) -> None:
    database_url = f"sqlite:///{tmp_path}/two.sqlite"
    config = world.write_config(tmp_path / "config", PROJECT_CONFIG / "topics.yaml")
    write_alerts(config, {"webhook": webhook.url}, minutes=0)
    run_mediamon(
        "crawl", "--processes", "2", "--config", str(config), "--database-url", database_url
    )
    assert_each_development_once(webhook.received)


def test_two_workers_send_each_development_once(
    world: Any, webhook: Any, tmp_path: Path, redis_namespace: str
) -> None:
    database_url = f"sqlite:///{tmp_path}/workers.sqlite"
    config = distributed_config(world, tmp_path / "config", database_url, redis_namespace)
    write_alerts(config, {"webhook": webhook.url}, minutes=0)
    open_database(database_url).dispose()  # migrated once, as a deployment does before workers
    workers = [start_worker(config) for _ in range(2)]
    try:
        run_mediamon("crawl", "--distributed", "--config", str(config))
        outputs = [finish(worker) for worker in workers]
    finally:
        for worker in workers:
            worker.kill()
    # Each worker checks the subscriptions as it stores and once more when it ends, so both
    # see every development, whichever stored the articles.
    assert sum(stored_by_worker(output) for output in outputs) > 0
    assert_each_development_once(webhook.received)
