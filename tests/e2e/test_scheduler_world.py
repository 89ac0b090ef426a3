"""The scheduler crawling the outlet world for real: runs on schedule, stores articles, and
raises a health alert by webhook for the outlet that has gone silent."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import yaml

from mediamon.core.models import utcnow
from tests.support import run_mediamon
from tests.support.scheduler import (
    WebhookReceiver,
    runs_of,
    scheduler_process,
    wait_until,
    write_yaml,
)

WORLD_RUN = "crawl:feeds:moscowmonitor,northernbroadcasting,vestiagency,khvylia,meridian"


def test_scheduled_crawls_store_the_world_and_alert_on_a_silent_outlet(
    world: Any, world_config: Path, webhook: WebhookReceiver, tmp_path: Path
) -> None:
    # Every outlet but moscowmonitor published in the last hours; its newest is from May 2023.
    for outlet in ("northernbroadcasting", "vestiagency", "khvylia", "meridian"):
        for hours_ago in (3, 2, 1):
            world.add_article(
                outlet,
                title=f"{outlet} update {hours_ago}",
                paragraphs=["Fresh news. " * 40],
                published=utcnow() - timedelta(hours=hours_ago),
            )
    _schedule_world(world_config, webhook.url)
    url = f"sqlite:///{tmp_path / 'world.sqlite'}"
    with scheduler_process(world_config, url, tmp_path / "run.log") as scheduler:
        wait_until(lambda: len(_done(url)) >= 2, 60, "two scheduled crawls finished")
        wait_until(lambda: bool(webhook.received), 10, "the webhook received an alert")
        assert scheduler.stop() == 0

    first, second = _done(url)[:2]
    assert first.outcome == "ok" and first.counts["mediamon/store/stored"] == len(world.articles)
    assert second.counts.get("mediamon/store/stored", 0) == 0  # nothing new the second time
    alerts = [alert for post in webhook.received for alert in post["alerts"]]
    assert [(a["kind"], a["outlet"]) for a in alerts] == [("silent-outlet", "moscowmonitor")]
    status = run_mediamon("status", "--config", str(world_config), "--database-url", url).stdout
    assert "moscowmonitor: no new article for" in status
    assert (
        f"crawl:*/5 * * * * *  [crawl {WORLD_RUN.removeprefix('crawl:feeds:').replace(',', ', ')}]"
        in status
    )


def _schedule_world(config: Path, webhook_url: str) -> None:
    outlets = yaml.safe_load((config / "outlets.yaml").read_text(encoding="utf-8"))
    outlets["defaults"]["schedule"] = "*/5 * * * * *"
    write_yaml(config / "outlets.yaml", outlets)
    settings = {"timezone": "UTC", "alerts": {"webhook_url": webhook_url}}
    write_yaml(config / "settings.yaml", settings)


def _done(url: str) -> list[Any]:
    return [run for run in runs_of(url, WORLD_RUN) if run.finished_at is not None]
