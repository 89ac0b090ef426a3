"""Edits after publication, on the outlet world, crawled by real `mediamon crawl` processes: a
headline the outlet changes (its feeds say when) is fetched again on the next crawl, kept as a
version and alerted once as a "material edit"; a punctuation-only edit is kept and alerts no
one; an unchanged entry is never requested again; and an outlet stamping every entry "updated
now" on each poll gets at most crawling.max_refetches_per_outlet re-fetches per crawl, and none
within crawling.min_refetch_interval_minutes."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from mediamon.world import OutletWorld
from mediamon.world.developing import EN, HEADLINE
from tests.e2e.test_alerts_world import about, kinds, write_alerts
from tests.support import PROJECT_CONFIG, run_mediamon

EDITED = "Legion saboteurs cross into Belgorod region near Kozinka"
REFETCHED = re.compile(r"(\d+) edited articles fetched again")


def write_settings(config: Path, **crawling: float) -> None:
    settings = {"timezone": "UTC", "crawling": crawling}
    (config / "settings.yaml").write_text(yaml.safe_dump(settings))


def crawl(config: Path, database_url: str) -> int:
    """Run a crawl of the world's feeds; how many stored articles it fetched again."""
    result = run_mediamon("crawl", "--config", str(config), "--database-url", database_url)
    return sum(int(n) for n in REFETCHED.findall(result.stdout + result.stderr))


def requested(world: Any, url: str) -> int:
    return sum(1 for record in world.requests if record.url == url)


def article_requests(world: Any, outlet_id: str) -> int:
    return len(article_statuses(world, outlet_id))


def article_statuses(world: Any, outlet_id: str) -> list[int]:
    urls = {article.url for article in world.outlet(outlet_id).articles}
    return [record.status for record in world.requests if record.url in urls]


def versions(config: Path, database_url: str, url: str) -> list[str]:
    options = ("--config", str(config), "--database-url", database_url)
    return run_mediamon("versions", url, *options).stdout.splitlines()


@pytest.mark.timeout(900)
def test_a_headline_edit_is_fetched_again_kept_and_alerted_once(
    world: Any, webhook: Any, tmp_path: Path
) -> None:
    database_url = f"sqlite:///{tmp_path}/edits.sqlite"
    config = world.write_config(tmp_path / "config", PROJECT_CONFIG / "topics.yaml")
    write_alerts(config, {"webhook": webhook.url}, minutes=0)
    write_settings(config, min_refetch_interval_minutes=0)  # edits follow within seconds here
    crawl(config, database_url)  # the world's starting stories
    first = world.add_article("moscowmonitor", title=HEADLINE, paragraphs=EN, slug="kozinka")
    assert crawl(config, database_url) == 0
    [new] = [m for m in webhook.received if m.get("link") == first.url]
    story = new["story"]
    sent = len(webhook.received)

    world.edit_article(first.url, title=EDITED)
    world.clear_requests()
    assert crawl(config, database_url) == 1
    [refetch] = [record for record in world.requests if record.url == first.url]
    assert refetch.header("If-Modified-Since") and refetch.status == 200
    lines = versions(config, database_url, first.url)
    assert [line.split("  ", 2)[2] for line in lines] == [HEADLINE, EDITED]
    [edit] = about(webhook.received[sent:], story)
    assert kinds(edit) == ["material_edit"]
    [development] = edit["developments"]
    assert development["before"] == HEADLINE and development["after"] == EDITED
    sent = len(webhook.received)

    world.edit_article(first.url, title=EDITED + "!")  # punctuation only
    assert crawl(config, database_url) == 1
    assert len(versions(config, database_url, first.url)) == 3  # kept, yet cosmetic
    assert webhook.received[sent:] == []

    world.clear_requests()  # nothing changed since: nothing fetched again
    assert crawl(config, database_url) == 0
    assert requested(world, first.url) == 0
    assert webhook.received[sent:] == []


@pytest.mark.timeout(900)
def test_an_outlet_stamping_every_entry_updated_now_is_bounded(tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path}/hostile.sqlite"
    with OutletWorld() as hostile:
        config = hostile.write_config(tmp_path / "config", PROJECT_CONFIG / "topics.yaml")
        write_settings(config, max_refetches_per_outlet=2, min_refetch_interval_minutes=0)
        crawl(config, database_url)
        listed = len(hostile.outlet("moscowmonitor").latest(20))
        assert listed > 2

        for _ in range(2):  # every poll: every entry "updated now", none changed
            hostile.stamp_updated("moscowmonitor")
            hostile.clear_requests()
            assert crawl(config, database_url) == 2
            # asked only for a page changed since its last fetch: none was
            assert article_statuses(hostile, "moscowmonitor") == [304, 304]
            others = [o.id for o in hostile.outlets if o.id != "moscowmonitor"]
            assert all(article_requests(hostile, outlet_id) == 0 for outlet_id in others)

        write_settings(config, max_refetches_per_outlet=2)  # the default interval: 15 minutes
        hostile.stamp_updated("moscowmonitor")
        hostile.clear_requests()
        assert crawl(config, database_url) == 0
        assert article_requests(hostile, "moscowmonitor") == 0
