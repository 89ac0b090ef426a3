"""Hostile HTTP: one feed crawl meets every broken server; each case is refused or survived,
logged, counted in the stats and in the run record, and the good pages are still stored."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from mediamon.core.db import open_database
from mediamon.core.models import ArticleRow, Run
from mediamon.world import OutletWorld
from mediamon.world.hostile import HostileSettings, add_hostile_routes
from tests.support import PROJECT_CONFIG, run_mediamon


@dataclass
class HostileCrawl:
    urls: dict[str, str]
    output: str
    requests: list[Any]
    counts: dict[str, Any]
    texts: dict[str, str]


@pytest.fixture(scope="module")
def crawl(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HostileCrawl]:
    workdir = tmp_path_factory.mktemp("hostile")
    settings = HostileSettings(huge_bytes=3 * 1024 * 1024, bomb_bytes=8 * 1024 * 1024)
    with OutletWorld() as world:
        outlet = world.outlets[0]
        urls = add_hostile_routes(world, outlet.id, settings)
        config = world.write_config(workdir / "c", PROJECT_CONFIG / "topics.yaml")
        restrict_to_hostile_feeds(config, urls)
        database_url = f"sqlite:///{workdir}/h.sqlite"
        result = run_mediamon("crawl", "--config", str(config), "--database-url", database_url)
        engine = open_database(database_url)
        with Session(engine) as session:
            run = session.scalars(select(Run)).one()
            texts = {r.url: r.text for r in session.scalars(select(ArticleRow))}
        yield HostileCrawl(urls, result.stdout + result.stderr, world.requests, run.counts, texts)


def restrict_to_hostile_feeds(config: Path, urls: dict[str, str]) -> None:
    outlets = config / "outlets.yaml"
    document = yaml.safe_load(outlets.read_text())
    first = document["outlets"][0]
    first["feeds"] = [urls["retry-after.xml"], urls["malformed-feed.xml"]]
    document["outlets"] = [first]
    outlets.write_text(yaml.safe_dump(document, allow_unicode=True))
    (config / "settings.yaml").write_text(
        "timezone: UTC\ncrawling:\n  max_response_mb: 1\n  timeout_seconds: 1\n"
    )


def hits(crawl: HostileCrawl, case: str) -> list[Any]:
    return [r for r in crawl.requests if r.url == crawl.urls[case]]


def test_retry_after_is_waited_for_before_the_retry(crawl: HostileCrawl) -> None:
    first, second = hits(crawl, "retry-after.xml")
    assert (first.status, second.status) == (429, 200)
    assert second.monotonic - first.monotonic >= 2.0
    assert crawl.counts["mediamon/hostile/retry_after"] == 1


def test_redirect_loop_is_cut_at_the_repeat(crawl: HostileCrawl) -> None:
    assert len(hits(crawl, "loop-a")) == 1 and len(hits(crawl, "loop-b")) == 1
    assert crawl.counts["mediamon/hostile/redirect_loop"] == 1


def test_off_domain_redirect_is_refused(crawl: HostileCrawl) -> None:
    assert crawl.counts["mediamon/hostile/offsite_redirect"] == 1
    assert crawl.counts["mediamon/refused/offsite"] == 1
    assert "offsite.invalid" in crawl.output


def test_private_and_link_local_redirects_are_refused_without_connecting(
    crawl: HostileCrawl,
) -> None:
    assert crawl.counts["mediamon/hostile/private_address"] == 2
    assert crawl.counts["mediamon/refused/private_address"] == 2
    assert "169.254.169.254" in crawl.output and "10.0.0.1" in crawl.output
    # every request the downloader sent was answered by the world: none went elsewhere
    assert crawl.counts["downloader/response_status_count/200"] <= len(crawl.requests)


def test_oversized_page_is_cancelled(crawl: HostileCrawl) -> None:
    assert crawl.counts["mediamon/hostile/oversized"] == 1
    assert crawl.urls["huge"] not in crawl.texts


def test_gzip_bomb_is_not_inflated(crawl: HostileCrawl) -> None:
    assert crawl.counts["mediamon/hostile/decompression_bomb"] == 1


def test_slow_page_times_out(crawl: HostileCrawl) -> None:
    assert crawl.counts["mediamon/hostile/timeout"] == 1


def test_4xx_and_5xx_are_counted(crawl: HostileCrawl) -> None:
    assert crawl.counts["mediamon/hostile/http_4xx"] == 1
    assert crawl.counts["mediamon/hostile/http_5xx"] == 1
    assert len(hits(crawl, "broken")) == 3, "500 retried twice, then given up"


def test_malformed_feed_is_counted(crawl: HostileCrawl) -> None:
    assert crawl.counts["mediamon/hostile/malformed_xml"] == 1


@pytest.mark.parametrize("case", ["koi8r", "wrong-charset", "malformed-html"])
def test_cyrillic_pages_in_any_charset_are_stored_readable(crawl: HostileCrawl, case: str) -> None:
    assert "Вооружённая группа пересекла границу" in crawl.texts[crawl.urls[case]]


def test_gb2312_page_is_stored_readable(crawl: HostileCrawl) -> None:
    assert "别尔哥罗德州" in crawl.texts[crawl.urls["gb2312"]]


def test_wrong_charset_is_counted(crawl: HostileCrawl) -> None:
    assert crawl.counts["mediamon/hostile/wrong_charset"] == 1
