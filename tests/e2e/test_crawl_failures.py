"""What a crawl whose outlets fail tells cron and its user (issue 15): the exit code (the same as
its run records say), one log line per failure, and a summary of the outlets needing attention.

Dead outlets are real failures: host names the stub DNS does not know (as offline), or a closed
port on loopback (connection refused), next to the live outlets of the outlet world.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from mediamon.core.db import open_database
from mediamon.core.exit_codes import ExitCode, exit_code_of_outcomes
from mediamon.core.models import ArticleRow, Run
from mediamon.world import OutletWorld
from mediamon.world.attacks import write_stub_dns
from mediamon.world.server import Response
from tests.support import REPO

# A log line, after the "[crawl process 1/2: outlets]" of a sharded crawl's processes.
LOG_LINE = re.compile(
    r"^(\[crawl process [^]]+\] )?\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \[[\w.]+\] (INFO|WARNING|ERROR)"
)


@dataclass
class Crawl:
    returncode: int
    stdout: str
    stderr: str
    database_url: str

    def outcomes(self) -> list[str]:
        engine = open_database(self.database_url)
        try:
            with Session(engine) as session:
                return list(session.scalars(select(Run.outcome).order_by(Run.id)))
        finally:
            engine.dispose()

    def stored_urls(self) -> set[str]:
        engine = open_database(self.database_url)
        try:
            with Session(engine) as session:
                return set(session.scalars(select(ArticleRow.url)))
        finally:
            engine.dispose()

    def error_lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.startswith("Error:")]


def dead_outlet(outlet_id: str, base_url: str) -> dict[str, Any]:
    return {
        "id": outlet_id,
        "name": f"Dead {outlet_id}",
        "homepage": f"{base_url}/",
        "languages": ["en"],
        "feeds": [f"{base_url}/rss"],
        "sitemaps": [f"{base_url}/sitemap.xml"],
    }


def unresolvable(count: int) -> list[dict[str, Any]]:
    """Outlets whose host names do not resolve (the stub DNS knows none): a machine offline."""
    return [
        dead_outlet(f"offline-{n:02d}", f"https://www.offline-{n:02d}.example")
        for n in range(count)
    ]


def refusing(outlet_id: str) -> dict[str, Any]:
    """An outlet on a loopback port nobody listens on: every connection is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return dead_outlet(outlet_id, f"http://127.0.0.1:{port}")


def write_config(
    directory: Path, dead: list[dict[str, Any]], world: OutletWorld | None = None
) -> Path:
    if world is not None:
        world.write_config(directory)
    else:
        directory.mkdir(parents=True)
        topics = {"topics": [{"id": "t", "name": "T", "query": "belgorod"}]}
        (directory / "topics.yaml").write_text(yaml.safe_dump(topics))
        (directory / "settings.yaml").write_text(yaml.safe_dump({"timezone": "UTC"}))
    outlets_file = directory / "outlets.yaml"
    document = yaml.safe_load(outlets_file.read_text()) if outlets_file.exists() else {}
    document.setdefault("defaults", {"download_delay": 0, "concurrency": 8})
    document["outlets"] = [*document.get("outlets", []), *dead]
    outlets_file.write_text(yaml.safe_dump(document))
    return directory


def crawl(config: Path, tmp_path: Path, *args: str, prefix: tuple[str, ...] = ()) -> Crawl:
    """``mediamon [prefix] crawl`` in its own process, with a stub DNS that knows no host."""
    database_url = f"sqlite:///{tmp_path}/m.sqlite"
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEDIAMON_")}
    env.update(write_stub_dns(tmp_path / "dns.json", {}, tmp_path / "dns.log"))
    command = [sys.executable, "-m", "mediamon", *prefix, "crawl", "--config", str(config)]
    result = subprocess.run(
        [*command, "--database-url", database_url, *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=300,
    )
    return Crawl(result.returncode, result.stdout, result.stderr, database_url)


def assert_run_records_agree(result: Crawl) -> None:
    outcomes = result.outcomes()
    assert outcomes, "the crawl recorded no run"
    assert exit_code_of_outcomes(outcomes) == result.returncode, (outcomes, result.returncode)


@pytest.fixture(scope="module")
def offline(tmp_path_factory: pytest.TempPathFactory) -> Crawl:
    """A crawl of 12 outlets while nothing resolves, as on a machine without network."""
    tmp_path = tmp_path_factory.mktemp("offline")
    return crawl(write_config(tmp_path / "config", unresolvable(12)), tmp_path)


def test_a_crawl_that_collects_nothing_exits_4_without_a_traceback(offline: Crawl) -> None:
    assert offline.returncode == ExitCode.NOTHING_COLLECTED, offline.stderr
    assert "Traceback" not in offline.stderr
    (error,) = offline.error_lines()
    assert error.startswith("Error: nothing could be collected: all 24 sources of 12 outlets")
    assert "DNS lookup failed" in error and "is the network up?" in error


def test_the_run_records_of_a_crawl_that_collected_nothing_say_so(offline: Crawl) -> None:
    assert set(offline.outcomes()) == {"nothing_collected"}
    assert_run_records_agree(offline)


def test_an_offline_crawl_of_12_outlets_logs_one_line_per_failure(offline: Crawl) -> None:
    lines = offline.stderr.splitlines()
    assert len(lines) < 60, offline.stderr
    logged = [line for line in lines if not line.startswith("Error:")]
    assert all(LOG_LINE.match(line) for line in logged), offline.stderr
    assert all(" WARNING: outlet offline-" in line for line in logged), offline.stderr
    for n in range(12):
        host = f"www.offline-{n:02d}.example"
        about = [line for line in logged if f"outlet offline-{n:02d}:" in line]
        # its robots.txt, its feed and its sitemap: each once, with URL and cause
        assert len(about) == 3, about
        assert all(f"https://{host}/" in line and "DNS lookup failed" in line for line in about)


def test_an_unreachable_robots_txt_is_one_line_for_all_spiders(offline: Crawl) -> None:
    robots = [line for line in offline.stderr.splitlines() if "robots.txt" in line]
    assert len(robots) == 12, robots
    assert all(" WARNING: " in line and line.endswith(".example.") for line in robots)
    assert "Error downloading" not in offline.stderr and "Gave up retrying" not in offline.stderr


def test_the_summary_lists_the_outlets_that_need_attention(offline: Crawl) -> None:
    assert "12 of 12 outlets need attention" in offline.stdout
    assert "  offline-03: 0 new articles, 2 sources failed (DNS lookup failed" in offline.stdout


@pytest.fixture(scope="module")
def mixed_world() -> Iterator[OutletWorld]:
    with OutletWorld() as world:
        yield world


def test_one_dead_outlet_among_live_ones_exits_3_and_the_rest_is_stored(
    mixed_world: OutletWorld, tmp_path: Path
) -> None:
    config = write_config(tmp_path / "config", [refusing("refusing")], mixed_world)
    result = crawl(config, tmp_path, "--processes", "2")
    assert result.returncode == ExitCode.SOURCES_FAILED, result.stdout + result.stderr
    assert {article.url for article in mixed_world.articles} <= result.stored_urls()
    live = len(mixed_world.outlets)
    assert f"1 of {live + 1} outlets need attention" in result.stdout
    assert "  refusing: 0 new articles, 2 sources failed (Connection was refused" in result.stdout
    (error,) = result.error_lines()
    assert re.fullmatch(
        r"Error: 2 of \d+ sources failed, at 1 outlet \(listed above\); what the others "
        r"listed is stored",
        error,
    ), error
    assert "Traceback" not in result.stderr
    assert set(result.outcomes()) == {"sources_failed"}
    assert_run_records_agree(result)


def test_log_file_takes_the_log_and_stderr_keeps_the_error_line(tmp_path: Path) -> None:
    config = write_config(tmp_path / "config", unresolvable(2))
    log_file = tmp_path / "logs" / "crawl.log"
    log_file.parent.mkdir()
    result = crawl(config, tmp_path, "--log-file", str(log_file), "--log-level", "INFO")
    assert result.returncode == ExitCode.NOTHING_COLLECTED
    assert result.stderr.strip().splitlines() == result.error_lines() != []
    log = log_file.read_text()
    assert "WARNING: outlet offline-01: robots.txt https://www.offline-01.example/robots.txt" in log
    assert "INFO: feeds: started" in log  # mediamon's INFO lines, not Scrapy's
    assert "[scrapy" not in log


@pytest.fixture(scope="module")
def fifty_outlets() -> Iterator[OutletWorld]:
    with OutletWorld.generated(47, 1) as world:
        yield world


def test_the_summary_of_50_outlets_fits_in_a_few_lines_and_v_lists_all(
    fifty_outlets: OutletWorld, tmp_path: Path
) -> None:
    dead = [refusing(f"refusing-{n}") for n in range(3)]
    config = write_config(tmp_path / "config", dead, fifty_outlets)
    short = crawl(config, tmp_path, "--spider", "feeds")
    assert short.returncode == ExitCode.SOURCES_FAILED, short.stderr
    lines = short.stdout.strip().splitlines()
    assert len(lines) <= 7, short.stdout
    assert "3 of 50 outlets need attention (-v lists every outlet):" in lines
    assert [line.split(":")[0].strip() for line in lines[-3:]] == [o["id"] for o in dead]
    assert_run_records_agree(short)
    every = crawl(config, tmp_path, "--spider", "feeds", "-v")
    listed = [line for line in every.stdout.splitlines() if line.startswith("  ")]
    assert len(listed) == 50, every.stdout
    assert "  gen-000: 0 new articles" in every.stdout  # stored by the first crawl


def failing_routes(world: OutletWorld) -> dict[str, str]:
    """A feed answering 503, one that never answers in time, and an article answering 404 (its
    feed lists it), each at an outlet of the world; their URLs by case."""
    first, second = world.outlets[:2]
    article = f"{first.base_url}/gone-article"

    def unavailable(_: object) -> Response:
        return Response(503, b"down for maintenance", ())

    def too_slow(_: object) -> Response:
        time.sleep(3)
        return Response(200, b"<rss/>", ())

    def listing_a_gone_article(_: object) -> Response:
        item = f"<item><title>Gone</title><link>{article}</link></item>"
        return Response(200, f"<rss><channel>{item}</channel></rss>".encode(), ())

    world.site(first.id).update_routes(
        {
            "/unavailable.xml": unavailable,
            "/lists-gone.xml": listing_a_gone_article,
        }
    )
    world.site(second.id).update_routes({"/slow.xml": too_slow})
    return {
        "503": first.base_url + "/unavailable.xml",
        "listing": first.base_url + "/lists-gone.xml",
        "404": article,
        "timeout": second.base_url + "/slow.xml",
    }


def test_http_errors_and_timeouts_are_one_warning_line_each(
    mixed_world: OutletWorld, tmp_path: Path
) -> None:
    urls = failing_routes(mixed_world)
    config = write_config(tmp_path / "config", [], mixed_world)
    document = yaml.safe_load((config / "outlets.yaml").read_text())
    document["outlets"][0]["feeds"] += [urls["503"], urls["listing"]]
    document["outlets"][1]["feeds"].append(urls["timeout"])
    (config / "outlets.yaml").write_text(yaml.safe_dump(document))
    (config / "settings.yaml").write_text("timezone: UTC\ncrawling:\n  timeout_seconds: 1\n")
    result = crawl(config, tmp_path, "--spider", "feeds")
    assert result.returncode == ExitCode.SOURCES_FAILED, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    logged = [line for line in result.stderr.splitlines() if not line.startswith("Error:")]
    assert all(" WARNING: " in line for line in logged), result.stderr
    for case, cause in (("503", "HTTP 503"), ("404", "HTTP 404"), ("timeout", "took longer")):
        about = [line for line in logged if urls[case] in line]
        assert len(about) == 1, (case, result.stderr)
        assert cause in about[0], about[0]
    assert_run_records_agree(result)
