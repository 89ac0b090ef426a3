"""Name lookups never hold up the crawl (issue 14): a crawl of outlets under host names, with
one name answered slowly by the resolver, crawls the other outlets meanwhile. The order comes
from the world's request log and the resolver's own log (both stamped with the machine's
monotonic clock), not from how long anything took."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
import yaml

from mediamon.world import OutletWorld, RequestRecord
from tests.support import REPO
from tests.support.slow_dns import read_lookups, slow_dns_env

SLOW_LOOKUP_SECONDS = 5.0
SETTINGS = "timezone: UTC\ncrawling:\n  crawl_processes: 1\n  extract_processes: 0\n"


@dataclass
class SlowCrawl:
    slow_host: str
    fast_hosts: list[str]
    outlet_of_host: dict[str, str]
    feed_paths: set[str]
    requests: list[RequestRecord]
    lookups: list[tuple[str, str, float]]
    output: str


def named(world: OutletWorld, index: int) -> tuple[str, dict[str, object]]:
    """Outlet ``index`` of the world as configured under a host name (its articles keep the
    world's address, which the outlet's domains allow)."""
    outlet = world.outlets[index]
    host = f"outlet-{index}.dns.test"
    public = f"http://{host}:{urlsplit(outlet.base_url).port}"
    entry = {
        "id": outlet.id,
        "name": outlet.name,
        "homepage": f"{public}/",
        "domains": [host, outlet.host],
        "languages": [outlet.language],
        "article_urls": outlet.spec.article_pattern,
        "feeds": [url.replace(outlet.base_url, public) for url in outlet.feed_urls],
    }
    return host, entry


@pytest.fixture(scope="module")
def slow_crawl(tmp_path_factory: pytest.TempPathFactory) -> SlowCrawl:
    workdir = tmp_path_factory.mktemp("dns")
    with OutletWorld() as world:
        named_outlets = [named(world, index) for index in range(3)]
        hosts = [host for host, _ in named_outlets]
        config = workdir / "config"
        config.mkdir()
        document = {
            "defaults": {"download_delay": 0, "concurrency": 8},
            "outlets": [entry for _, entry in named_outlets],
        }
        (config / "outlets.yaml").write_text(yaml.safe_dump(document))
        (config / "settings.yaml").write_text(SETTINGS)
        (config / "topics.yaml").write_text("topics: []\n")
        answers = {host: [[world.outlets[n].host]] for n, host in enumerate(hosts)}
        env = slow_dns_env(workdir, answers, {hosts[0]: SLOW_LOOKUP_SECONDS})
        location = ["--config", str(config), "--database-url", f"sqlite:///{workdir}/dns.sqlite"]
        clean = {k: v for k, v in os.environ.items() if not k.startswith("MEDIAMON_")}
        clean = {k: v for k, v in clean.items() if "proxy" not in k.lower()}
        result = subprocess.run(
            [sys.executable, "-m", "mediamon", "crawl", "--spider", "feeds", *location],
            capture_output=True,
            text=True,
            timeout=240,
            env={**clean, **env},
            cwd=REPO,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        outlet_of_host = {host: world.outlets[n].id for n, host in enumerate(hosts)}
        return SlowCrawl(
            hosts[0],
            hosts[1:],
            outlet_of_host,
            {urlsplit(url).path for outlet in world.outlets for url in outlet.feed_urls},
            world.requests,
            read_lookups(workdir),
            result.stdout + result.stderr,
        )


def lookup_span(crawl: SlowCrawl, host: str) -> tuple[float, float]:
    starts = [moment for event, name, moment in crawl.lookups if event == "start" and name == host]
    ends = [moment for event, name, moment in crawl.lookups if event == "end" and name == host]
    return min(starts), max(ends)


def of_outlet(crawl: SlowCrawl, host: str) -> list[RequestRecord]:
    return [r for r in crawl.requests if r.outlet_id == crawl.outlet_of_host[host]]


def test_other_outlets_are_crawled_while_one_name_is_being_looked_up(slow_crawl: SlowCrawl) -> None:
    _, answered = lookup_span(slow_crawl, slow_crawl.slow_host)
    for host in slow_crawl.fast_hosts:
        requests = of_outlet(slow_crawl, host)
        feeds = [r for r in requests if r.path in slow_crawl.feed_paths]
        articles = [r for r in requests if r not in feeds and r.path != "/robots.txt"]
        assert feeds and all(r.monotonic < answered for r in feeds), f"{host}'s feeds meanwhile"
        assert any(r.monotonic < answered for r in articles), f"{host}'s articles meanwhile"


def test_the_slow_outlet_is_crawled_once_its_name_is_answered(slow_crawl: SlowCrawl) -> None:
    _, answered = lookup_span(slow_crawl, slow_crawl.slow_host)
    requests = of_outlet(slow_crawl, slow_crawl.slow_host)
    assert requests and all(r.monotonic > answered for r in requests)
    assert any(r.path != "/robots.txt" and r.status == 200 for r in requests)


def test_each_name_is_looked_up_once_per_crawl(slow_crawl: SlowCrawl) -> None:
    starts = [name for event, name, _ in slow_crawl.lookups if event == "start"]
    assert sorted(starts) == sorted([slow_crawl.slow_host, *slow_crawl.fast_hosts])
