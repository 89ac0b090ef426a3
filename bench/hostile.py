"""Hostile outlets: every attack of the security issue against a real `mediamon crawl`.

Each case starts the local outlet world, lets one of its outlets attack (local files through
file:// and ftp:// links, redirects and DNS answers aimed at other loopback addresses, canonical
URLs claiming another outlet's article or an address off the outlet's domains, sitemap indexes
that list themselves, a pattern that backtracks without end, a feed of 100,000 entries, JSON Feed
values of every type) or breaks the crawl (SIGKILL just after a feed is saved as read, another
process holding the write lock, a full disk), and checks what a user relies on. Forbidden
addresses are listening sockets that record every connection; local files are canaries whose
text must never reach the database; lost articles are those of the world not stored once the
crawl is run again. The last line printed is a JSON object: cases, passed, forbidden_requests,
local_files_read, articles_lost, longest_case_s (the crawl seconds of the longest case).

    .venv/bin/python bench/hostile.py [--case NAME]...
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from mediamon.world import OutletWorld
from mediamon.world.attacks import (
    CANARY_TEXT,
    Trap,
    add_redirect_attacks,
    add_scheme_attacks,
    canary_file,
    claim_canonical,
    write_stub_dns,
)
from mediamon.world.bounded import ODD_TITLES, add_bounded_routes

REPO = Path(__file__).resolve().parents[1]
TARGETS = {"forbidden_requests": 0, "local_files_read": 0, "articles_lost": 0, "longest_case_s": 60}
TRAP_HOST = "127.0.0.3"  # no outlet of the world listens there
PUBLIC_ADDRESS = "93.184.216.34"  # only ever in a DNS answer that is refused whole
PHISHING = "https://login.phish.example/belgorod?session=1"


@dataclass
class Outcome:
    passed: bool
    forbidden_requests: int = 0
    local_files_read: int = 0
    articles_lost: int = 0
    detail: str = ""


@dataclass
class Lab:
    """One case's working directory, its database and the crawls it ran (their seconds)."""

    directory: Path
    crawl_seconds: float = 0.0
    database: Path = field(init=False)

    def __post_init__(self) -> None:
        self.database = self.directory / "m.sqlite"

    def url(self, query: str = "") -> str:
        return f"sqlite:///{self.database}{query}"

    def crawl(self, config: Path, *extra: str, **options: Any) -> subprocess.CompletedProcess[str]:
        """`mediamon crawl` in its own process, timed into ``crawl_seconds``."""
        started = time.perf_counter()
        try:
            return subprocess.run(
                crawl_command(config, options.pop("url", self.url()), *extra),
                cwd=REPO,
                env={**clean_env(), **options.pop("env", {})},
                capture_output=True,
                text=True,
                timeout=600,
                **options,
            )
        finally:
            self.crawl_seconds += time.perf_counter() - started

    def stored(self) -> dict[str, tuple[str, str, str, str]]:
        """url -> (outlet, title, text and raw HTML, canonical URL) of every stored article."""
        query = "SELECT url, outlet_id, coalesce(title, ''), text, raw_html, canonical_url"
        with self.connect() as connection:
            rows = connection.execute(f"{query} FROM articles").fetchall()
        return {url: (o, t, text + _html(raw), c) for url, o, t, text, raw, c in rows}

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        with self.connect() as connection:
            return connection.execute(sql).fetchall()

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        connection = sqlite3.connect(f"file:{self.database}?mode=ro", uri=True, timeout=30)
        try:
            yield connection
        finally:
            connection.close()


def _html(raw: bytes) -> str:
    import zlib

    return zlib.decompress(raw).decode("utf-8", "replace")


def crawl_command(config: Path, database_url: str, *extra: str) -> list[str]:
    command = [sys.executable, "-m", "mediamon", "crawl", "--config", str(config)]
    return [*command, "--database-url", database_url, *extra]


def clean_env() -> dict[str, str]:
    unwanted = ("MEDIAMON_", "http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY")
    return {k: v for k, v in os.environ.items() if not k.startswith(unwanted)}


def configure(world: OutletWorld, directory: Path, **sources: Any) -> Path:
    """A config crawling the world's first outlet from ``sources`` only (and the whole world
    when no source is given)."""
    config = world.write_config(directory / "config")
    if sources:
        path = config / "outlets.yaml"
        document = yaml.safe_load(path.read_text())
        first = {key: value for key, value in document["outlets"][0].items() if key != "feeds"}
        document["outlets"] = [first | sources]
        path.write_text(yaml.safe_dump(document, allow_unicode=True))
    settings = "timezone: UTC\ncrawling:\n  timeout_seconds: 5\n  autothrottle: false\n"
    (config / "settings.yaml").write_text(settings)
    return config


def lost_articles(world: OutletWorld, lab: Lab) -> int:
    return len({article.url for article in world.articles} - set(lab.stored()))


def one_line_failure(result: subprocess.CompletedProcess[str]) -> bool:
    return result.returncode != 0 and "Traceback" not in result.stderr


# The cases -------------------------------------------------------------------------------------


def file_and_ftp_links(lab: Lab) -> Outcome:
    canary = canary_file(lab.directory / "secret")
    with OutletWorld() as world:
        outlet = world.outlets[0]
        with Trap(outlet.host) as ftp:
            links = [f"file://{outlet.host}{canary}", f"ftp://{outlet.host}:{ftp.port}{canary}"]
            urls = add_scheme_attacks(world, outlet.id, links)
            config = configure(
                world,
                lab.directory,
                feeds=[urls["feed.xml"]],
                sitemaps=[urls["sitemap.xml"]],
                sections=[urls["section"]],
            )
            lab.crawl(config)
            read = sum(CANARY_TEXT in text for _, _, text, _ in lab.stored().values())
            return Outcome(read == 0 and not ftp.connections, len(ftp.connections), read)


def redirects_to_loopback(lab: Lab) -> Outcome:
    with OutletWorld() as world, Trap(TRAP_HOST) as trap:
        outlet, other = world.outlets[0], world.outlets[1]
        targets = {
            "robots": trap.url("/robots.txt"),
            "feed": trap.url("/feed.xml"),
            "article": trap.url("/2023/05/23/trapped-a3"),
            "other-outlet": f"{other.base_url}/2023/05/23/other-a4",
        }
        urls = add_redirect_attacks(world, outlet.id, targets)
        config = configure(world, lab.directory, feeds=[urls["feed"], urls["redirects.xml"]])
        lab.crawl(config)
        forbidden = len(trap.connections) + sum(r.host == other.host for r in world.requests)
        return Outcome(forbidden == 0, forbidden)


def dns_rebinding(lab: Lab) -> Outcome:
    host = "rebind.attack.test"
    with OutletWorld() as world, Trap(TRAP_HOST) as trap:
        base = f"http://{host}:{trap.port}"
        config = configure(world, lab.directory, homepage=f"{base}/", feeds=[f"{base}/f"])
        config_outlets = yaml.safe_load((config / "outlets.yaml").read_text())
        config_outlets["outlets"][0].pop("article_urls", None)
        (config / "outlets.yaml").write_text(yaml.safe_dump(config_outlets))
        answers = {host: [[PUBLIC_ADDRESS, TRAP_HOST]]}
        env = write_stub_dns(lab.directory / "dns.json", answers, lab.directory / "dns.log")
        lab.crawl(config, env=env)
        asked = host in (lab.directory / "dns.log").read_text().split()
        return Outcome(asked and not trap.connections, len(trap.connections))


def canonical_at_another_outlet(lab: Lab) -> Outcome:
    with OutletWorld() as world:
        config = world.write_config(lab.directory / "config")
        a, b = world.outlets[0].id, world.outlets[1].id
        lab.crawl(config)
        target = world.outlet(a).latest(1)[0]
        before = lab.stored()[target.url]
        claim_canonical(world, b, target.url)
        fresh = world.add_article(a, title="Saboteurs cross again", paragraphs=FRESH)
        claim_canonical(world, b, fresh.url)
        lab.crawl(config, "--outlet", b)
        lab.crawl(config)
        stored = lab.stored()
        unchanged = stored[target.url] == before
        versions = lab.query("SELECT count(*) FROM article_versions")[0][0]
        fetched = fresh.url in stored and FRESH[0] in stored[fresh.url][2]
        lost = lost_articles(world, lab)
        detail = f"target unchanged {unchanged}, versions {versions}, fresh stored {fetched}"
        return Outcome(unchanged and versions == 0 and fetched, articles_lost=lost, detail=detail)


def canonical_off_domain(lab: Lab) -> Outcome:
    with OutletWorld() as world:
        config = world.write_config(lab.directory / "config")
        claim = claim_canonical(world, world.outlets[1].id, PHISHING)
        lab.crawl(config)
        stored = lab.stored()
        kept_out = claim.url in stored and "phish.example" not in stored[claim.url][3]
        return Outcome(kept_out, articles_lost=lost_articles(world, lab))


def sitemap_cycles(lab: Lab) -> Outcome:
    with OutletWorld() as world:
        urls = add_bounded_routes(world, world.outlets[0].id)
        sitemaps = [urls["self-index"], urls["cycle-a"], urls["chain-0"]]
        lab.crawl(configure(world, lab.directory, sitemaps=sitemaps))
        fetched = [r.url for r in world.requests]
        once = all(fetched.count(urls[name]) == 1 for name in ("self-index", "cycle-a", "cycle-b"))
        chain = sum("/bounded/chain-" in url for url in fetched)
        return Outcome(once and chain < 8, detail=f"chain indexes fetched: {chain} of 8")


def catastrophic_pattern(lab: Lab) -> Outcome:
    with OutletWorld() as world:
        config = world.write_config(lab.directory / "config")
        document = yaml.safe_load((config / "outlets.yaml").read_text())
        document["outlets"][0]["article_urls"] = "(a+)+$"
        (config / "outlets.yaml").write_text(yaml.safe_dump(document))
        started = time.perf_counter()
        check = subprocess.run(
            [sys.executable, "-m", "mediamon", "config", "check", "--config", str(config)],
            cwd=REPO,
            env=clean_env(),
            capture_output=True,
            text=True,
            timeout=120,
        )
        lab.crawl_seconds += time.perf_counter() - started
        said = check.stdout + check.stderr
        return Outcome(check.returncode == 1 and "repeat" in said, detail=said.strip()[:200])


def huge_feed(lab: Lab) -> Outcome:
    with OutletWorld() as world:
        urls = add_bounded_routes(world, world.outlets[0].id)
        result = lab.crawl(configure(world, lab.directory, feeds=[urls["huge-feed"]]))
        polled = lab.query("SELECT count(*) FROM feeds WHERE last_polled_at IS NOT NULL")[0][0]
        fetched = sum("/m/" in r.url for r in world.requests)
        detail = f"article requests {fetched}, exit {result.returncode}"
        return Outcome(polled == 1 and fetched <= 500, detail=detail)


def json_feed_types(lab: Lab) -> Outcome:
    with OutletWorld() as world:
        urls = add_bounded_routes(world, world.outlets[0].id)
        lab.crawl(configure(world, lab.directory, feeds=[urls["odd-json"]]))
        stored = sum("/bounded/article-" in url for url in lab.stored())
        lost = len(ODD_TITLES) - stored
        return Outcome(lost == 0, articles_lost=lost)


def killed_after_feed_saved(lab: Lab) -> Outcome:
    with OutletWorld() as world, world.slowed(0.05):
        config = world.write_config(lab.directory / "config")
        crawl = start_crawl(lab, config)
        caught = wait_for(lambda: bool(lab.query(SAVED_FEEDS)), crawl)
        crawl.kill()
        crawl.communicate(timeout=60)
        lab.crawl(config)
        lost = lost_articles(world, lab)
        return Outcome(lost == 0, articles_lost=lost, detail=f"killed after a save: {caught}")


def write_lock_held(lab: Lab) -> Outcome:
    with OutletWorld() as world:
        config = world.write_config(lab.directory / "config")
        with world.slowed(0.5):
            crawl = start_crawl(lab, config, "--processes", "1", url=lab.url("?timeout=1"))
            wait_for(lambda: bool(lab.query("SELECT count(*) FROM runs")[0][0]), crawl)
            holder = sqlite3.connect(lab.database, isolation_level=None, timeout=30)
            holder.execute("BEGIN IMMEDIATE")
            try:
                _, stderr = crawl.communicate(timeout=300)
            finally:
                holder.execute("ROLLBACK")
                holder.close()
        failed = crawl.returncode != 0 and "Traceback" not in stderr
        lab.crawl(config)
        lost = lost_articles(world, lab)
        return Outcome(failed and lost == 0, articles_lost=lost)


def full_disk(lab: Lab) -> Outcome:
    with OutletWorld() as world:
        config = world.write_config(lab.directory / "config")
        lab.crawl(config, "--outlet", world.outlets[0].id)  # creates the database
        limit = lab.database.stat().st_size + 64 * 1024

        def no_more_space() -> None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

        started = time.perf_counter()
        result = lab.crawl(config, preexec_fn=no_more_space)
        fast = time.perf_counter() - started < 60
        lab.crawl(config)
        lost = lost_articles(world, lab)
        ok = one_line_failure(result) and fast and lost == 0
        return Outcome(ok, articles_lost=lost, detail=result.stderr.strip()[-200:])


SAVED_FEEDS = "SELECT url FROM feeds WHERE etag IS NOT NULL OR last_modified IS NOT NULL"
FRESH = (
    "A second group of saboteurs crossed into the Belgorod region overnight, the governor said.",
    "Shelling was reported near Graivoron, and residents of two villages were evacuated again.",
    "The Freedom of Russia Legion said on Telegram that its fighters had reached a checkpoint.",
)


def start_crawl(lab: Lab, config: Path, *extra: str, url: str = "") -> subprocess.Popen[str]:
    return subprocess.Popen(
        crawl_command(config, url or lab.url(), *extra),
        cwd=REPO,
        env=clean_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(condition: Callable[[], bool], process: subprocess.Popen[str]) -> bool:
    """Poll ``condition`` until it holds (True) or the process ends first (False)."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            if condition():
                return True
        except sqlite3.OperationalError:  # the database is still being created
            pass
        if process.poll() is not None:
            return False
        time.sleep(0.005)
    return False


CASES: dict[str, Callable[[Lab], Outcome]] = {
    "file_and_ftp_links": file_and_ftp_links,
    "redirects_to_loopback": redirects_to_loopback,
    "dns_rebinding": dns_rebinding,
    "canonical_at_another_outlet": canonical_at_another_outlet,
    "canonical_off_domain": canonical_off_domain,
    "sitemap_cycles": sitemap_cycles,
    "catastrophic_pattern": catastrophic_pattern,
    "huge_feed": huge_feed,
    "json_feed_types": json_feed_types,
    "killed_after_feed_saved": killed_after_feed_saved,
    "write_lock_held": write_lock_held,
    "full_disk": full_disk,
}


def run_case(name: str, directory: Path) -> tuple[Outcome, float]:
    lab = Lab(directory / name)
    lab.directory.mkdir(parents=True)
    try:
        outcome = CASES[name](lab)
    except Exception as exc:  # a case that breaks is a failed case, reported with the rest
        outcome = Outcome(False, detail=f"{type(exc).__name__}: {exc}")
    return outcome, lab.crawl_seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--case", action="append", choices=sorted(CASES), help="repeatable")
    names = parser.parse_args().case or list(CASES)
    totals = {"forbidden_requests": 0, "local_files_read": 0, "articles_lost": 0}
    passed, longest = 0, 0.0
    with tempfile.TemporaryDirectory(prefix="mediamon-hostile-") as directory:
        for name in names:
            outcome, seconds = run_case(name, Path(directory))
            verdict = "passed" if outcome.passed else "FAILED"
            print(f"{name}: {verdict} in {seconds:.1f} s {outcome.detail}".rstrip(), flush=True)
            passed += outcome.passed
            longest = max(longest, seconds)
            for key in totals:
                totals[key] += getattr(outcome, key)
    print(f"targets: {json.dumps(TARGETS)}")
    result = {"cases": len(names), "passed": passed, **totals, "longest_case_s": round(longest, 1)}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
