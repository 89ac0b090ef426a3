"""The URL policy against real crawls of the outlet world: each attack is attempted by the world
and fails, and the refusal is counted under ``mediamon/refused/<reason>``."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from mediamon.core.db import open_database
from mediamon.core.exit_codes import ExitCode
from mediamon.core.models import ArticleRow, Run, decompress_html
from mediamon.world import OutletWorld
from mediamon.world.attacks import (
    CANARY_TEXT,
    ForwardProxy,
    Trap,
    add_redirect_attacks,
    add_scheme_attacks,
    canary_file,
    write_stub_dns,
)
from tests.support import REPO

FAST_SETTINGS = (
    "timezone: UTC\ncrawling:\n  timeout_seconds: 5\n  crawl_processes: 1\n  extract_processes: 0\n"
)
PUBLIC_ADDRESS = "93.184.216.34"


@dataclass
class Crawl:
    output: str
    counts: Counter[str]
    stored: dict[str, str]  # url -> text and raw HTML


def crawl(config: Path, workdir: Path, env: dict[str, str] | None = None) -> Crawl:
    """Run ``mediamon crawl`` in its own process (with ``env`` added); its run and articles."""
    database_url = f"sqlite:///{workdir}/crawl.sqlite"
    clean = {k: v for k, v in os.environ.items() if not k.startswith("MEDIAMON_")}
    clean = {k: v for k, v in clean.items() if k.lower() not in {"http_proxy", "no_proxy"}}
    command = ["crawl", "--config", str(config), "--database-url", database_url]
    result = subprocess.run(
        [sys.executable, "-m", "mediamon", *command],
        capture_output=True,
        text=True,
        timeout=240,
        env={**clean, **(env or {})},
        cwd=REPO,
    )
    # A configured source the policy refuses is a failed source: the crawl says so (exit 3).
    assert result.returncode in (ExitCode.OK, ExitCode.SOURCES_FAILED), (
        result.stdout + result.stderr
    )
    with Session(open_database(database_url)) as session:
        counts: Counter[str] = Counter()
        for run in session.scalars(select(Run)):  # one per spider
            counts.update({k: v for k, v in run.counts.items() if isinstance(v, int)})
        stored = {
            row.url: row.text + decompress_html(row.raw_html).decode("utf-8", "replace")
            for row in session.scalars(select(ArticleRow))
        }
    return Crawl(result.stdout + result.stderr, counts, stored)


def write_outlets(config: Path, outlets: list[dict[str, Any]]) -> None:
    document = {"defaults": {"download_delay": 0, "concurrency": 8}, "outlets": outlets}
    config.mkdir(parents=True, exist_ok=True)
    (config / "outlets.yaml").write_text(yaml.safe_dump(document, allow_unicode=True))
    (config / "settings.yaml").write_text(FAST_SETTINGS)
    if not (config / "topics.yaml").exists():
        (config / "topics.yaml").write_text("topics: []\n")


@dataclass
class Attacked:
    crawl: Crawl
    canary: Path
    trap: list[bytes]
    ftp: list[bytes]
    requests: list[Any]
    outlet_host: str
    other_host: str
    targets: dict[str, str]


@pytest.fixture(scope="module")
def attacked(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Attacked]:
    workdir = tmp_path_factory.mktemp("attacks")
    canary = canary_file(workdir / "secret")
    with OutletWorld() as world, Trap("127.0.0.3") as trap:
        outlet, other = world.outlets[0], world.outlets[1]
        with Trap(outlet.host) as ftp:
            links = [f"file://{outlet.host}{canary}", f"ftp://{outlet.host}:{ftp.port}{canary}"]
            schemes = add_scheme_attacks(world, outlet.id, links)
            targets = {
                "robots": trap.url("/robots.txt"),
                "feed": trap.url("/feed.xml"),
                "article": trap.url("/2023/05/23/trapped-a3"),
                "other-outlet": f"{other.base_url}/2023/05/23/other-a4",
            }
            redirects = add_redirect_attacks(world, outlet.id, targets)
            entry = {
                "id": outlet.id,
                "name": outlet.name,
                "homepage": outlet.homepage_url,
                "languages": [outlet.language],
                "article_urls": outlet.spec.article_pattern,
                "feeds": [schemes["feed.xml"], redirects["feed"], redirects["redirects.xml"]],
                "sitemaps": [schemes["sitemap.xml"]],
                "sections": [schemes["section"]],
            }
            write_outlets(workdir / "config", [entry])
            result = crawl(workdir / "config", workdir)
            yield Attacked(
                result,
                canary,
                trap.connections,
                ftp.connections,
                world.requests,
                outlet.host,
                other.host,
                targets,
            )


def test_file_links_in_feeds_sitemaps_and_sections_are_refused_unread(
    attacked: Attacked,
) -> None:
    # two links (file, ftp) in each of a feed, a sitemap and a section page
    assert attacked.crawl.counts["mediamon/refused/scheme"] == 6, attacked.crawl.counts
    assert all(CANARY_TEXT not in text for text in attacked.crawl.stored.values())
    assert CANARY_TEXT not in attacked.crawl.output
    assert not [url for url in attacked.crawl.stored if not url.startswith("http")]


def test_ftp_links_open_no_connection(attacked: Attacked) -> None:
    assert attacked.ftp == []


def test_redirects_to_another_loopback_address_are_refused_before_connecting(
    attacked: Attacked,
) -> None:
    robots = {(r.host, r.status) for r in attacked.requests if r.path == "/robots.txt"}
    assert robots == {(attacked.outlet_host, 302)}
    assert attacked.trap == [], "nothing reached the trap: robots.txt, feed, article"
    assert not [r for r in attacked.requests if r.host == attacked.other_host]
    refused = [line for line in attacked.crawl.output.splitlines() if "(private_address)" in line]
    assert attacked.targets
    for target in attacked.targets.values():
        assert len([line for line in refused if f"refused {target} " in line]) == 1, target
    # robots.txt once per spider (a missing one is asked for again), the feed, the articles
    assert attacked.crawl.counts["mediamon/refused/private_address"] >= 4
    assert attacked.crawl.counts["mediamon/hostile/private_address"] >= 4


def test_each_refused_url_is_logged_once(attacked: Attacked) -> None:
    lines = [line for line in attacked.crawl.output.splitlines() if "refused file://" in line]
    assert len(lines) == 1


def test_a_name_resolving_to_a_public_and_a_loopback_address_is_refused_at_connect(
    tmp_path: Path,
) -> None:
    host = "rebind.attack.test"
    with Trap("127.0.0.3") as trap:
        base = f"http://{host}:{trap.port}"
        outlet = {"id": "rebind", "name": "Rebind", "homepage": f"{base}/", "feeds": [f"{base}/f"]}
        write_outlets(tmp_path / "config", [outlet])
        answers = {host: [[PUBLIC_ADDRESS, "127.0.0.3"]]}
        env = write_stub_dns(tmp_path / "dns.json", answers, tmp_path / "dns.log")
        result = crawl(tmp_path / "config", tmp_path, env)
        assert trap.connections == []
    assert host in (tmp_path / "dns.log").read_text().split()
    assert result.counts["mediamon/refused/private_address"] >= 1
    assert result.counts.get("mediamon/feeds/parsed") is None


def test_behind_a_proxy_the_crawl_makes_no_lookups_and_still_refuses(tmp_path: Path) -> None:
    host = "proxied-news.test"
    canary = canary_file(tmp_path / "secret")
    with OutletWorld() as world, Trap("127.0.0.3") as trap:
        outlet = world.outlets[0]
        public = f"http://{host}"
        scheme_attacks = add_scheme_attacks(world, outlet.id, [f"file://{host}{canary}"])
        targets = {
            "robots": trap.url("/robots.txt"),
            "offsite": "http://elsewhere.test/2023/05/23/elsewhere-a5",
            "loopback": trap.url("/2023/05/23/trapped-a6"),
        }
        redirects = add_redirect_attacks(world, outlet.id, targets)
        feeds = [*outlet.feed_urls, scheme_attacks["feed.xml"], redirects["redirects.xml"]]
        entry = {
            "id": outlet.id,
            "name": outlet.name,
            "homepage": f"{public}/",
            "languages": [outlet.language],
            "article_urls": outlet.spec.article_pattern,
            "feeds": [url.replace(outlet.base_url, public) for url in feeds],
        }
        write_outlets(tmp_path / "config", [entry])
        env = write_stub_dns(tmp_path / "dns.json", {}, tmp_path / "dns.log")
        with ForwardProxy({host: outlet.base_url}) as proxy:
            result = crawl(tmp_path / "config", tmp_path, {**env, "http_proxy": proxy.url})
            asked = list(proxy.requests)
    assert not (tmp_path / "dns.log").exists(), "no lookup at all: the proxy resolves"
    assert result.stored and all(url.startswith(public) for url in result.stored)
    assert all(CANARY_TEXT not in text for text in result.stored.values())
    assert result.counts["mediamon/refused/scheme"] == 1
    assert result.counts["mediamon/hostile/offsite_redirect"] == 1
    assert result.counts["mediamon/refused/private_address"] == 2
    assert trap.connections == []
    assert asked and all(urlhost(url) == host for url in asked), asked


def urlhost(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).hostname or ""
