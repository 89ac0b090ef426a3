"""The crawls of bench/real_pages.py: the replay proxy, a config of one outlet per domain,
`mediamon crawl` twice through the proxy, and what the replay's request log says of the second."""

from __future__ import annotations

import json
import os
import re
import resource
import select
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from real_pages_scoring import Index, Page, Reading, address_keys, match, pages_of, read_stored

from mediamon.world.attacks import write_stub_dns

REPO = Path(__file__).resolve().parents[1]
FEED_DATES = {"feed dates": "page", "no feed dates": "none"}
FEED_PATH, SITEMAP_PATH, ROBOTS_PATH = "/replay-feed.xml", "/replay-news-sitemap.xml", "/robots.txt"
# Autothrottle off: it starts every outlet at a 5 s delay, which only makes the bench slower.
SETTINGS_YAML = "timezone: UTC\ncrawling:\n  time_limit_seconds: 600\n  autothrottle: false\n"
PROXY_VARIABLES = {"http_proxy", "https_proxy", "no_proxy", "all_proxy"}
READY_TIMEOUT_S, CRAWL_TIMEOUT_S = 120, 900
ERROR_LINE, WARNING_LINE = re.compile(r"\bERROR\b"), re.compile(r"\bWARNING\b")
NOT_SLUG = re.compile(r"[^a-z0-9]+")


class BenchError(Exception):
    """A problem the benchmark reports in one line before exiting."""


@dataclass(frozen=True)
class Inputs:
    """The corpus (its expected values in ``index``), the replay's folder, and whether outlets
    get the defaults block of the repo's config/outlets.yaml."""

    corpus: Path
    tools: Path
    index: Index
    shipped_defaults: bool


@dataclass
class Crawl:
    exit_code: int
    cpu_s: float
    wall_s: float
    output: str
    started: float
    requests: list[dict[str, Any]] = field(default_factory=list)

    @property
    def error_lines(self) -> list[str]:
        return [line for line in self.output.splitlines() if ERROR_LINE.search(line)]

    @property
    def warning_lines(self) -> int:
        return sum(1 for line in self.output.splitlines() if WARNING_LINE.search(line))

    @property
    def tracebacks(self) -> int:
        return self.output.count("Traceback")


@dataclass
class Run:
    """One replay (with or without feed dates) crawled twice into a fresh database."""

    name: str
    pages: list[Page]
    readings: dict[str, Reading]
    first: Crawl
    second: Crawl
    dns_lookups: int


@contextmanager
def replay(tools: Path, corpus: Path, directory: Path, feed_dates: str) -> Iterator[int]:
    """The replay proxy serving the corpus; yields its port and stops it with SIGTERM."""
    command = [sys.executable, str(tools / "replay_corpus.py"), "--corpus", str(corpus)]
    command += ["--feed-dates", feed_dates, "--manifest", str(directory / "manifest.json")]
    command += ["--log", str(directory / "requests.jsonl")]
    with (directory / "replay.stderr").open("w") as stderr:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=stderr, text=True)
    try:
        yield wait_until_ready(process, directory / "replay.stderr")
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until_ready(process: subprocess.Popen[str], stderr: Path) -> int:
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], READY_TIMEOUT_S)
    line = process.stdout.readline() if ready else ""
    if not line.startswith("READY "):
        said = (stderr.read_text().strip().splitlines() or ["no output"])[-1]
        raise BenchError(f"replay_corpus.py did not start: {said}")
    return int(line.split()[1])


def outlet_entry(domain: str, served: dict[str, Any]) -> dict[str, Any]:
    outlet_id = NOT_SLUG.sub("-", domain.lower()).strip("-")
    homepage = f"http://{domain}/"
    sources = {"feeds": [served["feed"]], "sitemaps": [served["sitemap"]]}
    return {"id": outlet_id, "name": domain, "homepage": homepage, **sources}


def write_config(directory: Path, manifest: dict[str, Any], shipped_defaults: bool) -> Path:
    config = directory / "config"
    config.mkdir()
    defaults: dict[str, Any] = {}
    if shipped_defaults:
        shipped = yaml.safe_load((REPO / "config" / "outlets.yaml").read_text(encoding="utf-8"))
        defaults = dict(shipped.get("defaults") or {})
    defaults |= {"download_delay": 0}
    outlets = [outlet_entry(domain, served) for domain, served in sorted(manifest.items())]
    document = {"defaults": defaults, "outlets": outlets}
    (config / "outlets.yaml").write_text(yaml.safe_dump(document, allow_unicode=True))
    (config / "topics.yaml").write_text("topics: []\n")
    database = f"database_url: sqlite:///{directory / 'mediamon.sqlite'}\n"
    (config / "settings.yaml").write_text(database + SETTINGS_YAML)
    return config


def run_mediamon(*arguments: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "mediamon", *arguments]
    pipe = subprocess.PIPE
    process = subprocess.Popen(command, cwd=REPO, env=env, stdout=pipe, stderr=pipe, text=True)
    try:
        stdout, stderr = process.communicate(timeout=CRAWL_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        stop(process)
        raise BenchError(
            f"mediamon {arguments[0]} still running after {CRAWL_TIMEOUT_S} s"
        ) from None
    except KeyboardInterrupt:
        stop(process)
        raise
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def stop(process: subprocess.Popen[str]) -> None:
    """SIGTERM, as mediamon stops a crawl with all its crawl processes; SIGKILL after a minute."""
    process.terminate()
    try:
        process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()


def crawl_environment(port: int, directory: Path) -> dict[str, str]:
    """This environment less mediamon's and proxy variables, plus the replay as the proxy and the
    DNS stub (no answers: any lookup fails and is logged)."""
    inherited = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("MEDIAMON_") and name.lower() not in PROXY_VARIABLES
    }
    proxy = f"http://127.0.0.1:{port}"
    dns = write_stub_dns(directory / "dns.json", {}, directory / "dns.log")
    return {**inherited, "http_proxy": proxy, "https_proxy": proxy, **dns}


def check_config(config: Path, env: dict[str, str]) -> None:
    result = run_mediamon("config", "check", "--config", str(config), env=env)
    if result.returncode != 0:
        said = (result.stdout + result.stderr).strip().splitlines() or ["no output"]
        raise BenchError(f"mediamon config check refused the generated config: {said[-1]}")


def crawl(config: Path, env: dict[str, str], log: Path) -> Crawl:
    """`mediamon crawl` in its own process; CPU seconds of it and of every process it waited for."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started, wall = time.time(), time.perf_counter()
    result = run_mediamon("crawl", "--config", str(config), env=env)
    wall_s = time.perf_counter() - wall
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_s = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    log.write_text(result.stdout + result.stderr)
    return Crawl(result.returncode, cpu_s, wall_s, result.stdout + result.stderr, started)


def split_requests(log: Path, first: Crawl, second: Crawl) -> None:
    """Each crawl's requests from the replay's log, by their time (read once the replay stopped,
    so every line is written)."""
    lines = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    for request in map(json.loads, lines):
        crawl_of = second if request["t"] >= second.started else first
        crawl_of.requests.append(request)


def crawl_twice(name: str, inputs: Inputs, directory: Path) -> Run:
    """The replay with or without feed dates (``name`` in FEED_DATES), crawled twice into a new
    database in ``directory``; the pages served and what was stored of each."""
    directory.mkdir(parents=True)
    articles = inputs.corpus / "articles"
    with replay(inputs.tools, articles, directory, FEED_DATES[name]) as port:
        manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
        config = write_config(directory, manifest, inputs.shipped_defaults)
        env = crawl_environment(port, directory)
        check_config(config, env)
        print(f"{name}: crawling {len(manifest)} outlets through the replay", flush=True)
        first = crawl(config, env, directory / "crawl-first.log")
        second = crawl(config, env, directory / "crawl-second.log")
    split_requests(directory / "requests.jsonl", first, second)
    pages = pages_of(manifest, inputs.index)
    readings = match(pages, read_stored(f"sqlite:///{directory / 'mediamon.sqlite'}"))
    dns_log = directory / "dns.log"
    lookups = len(dns_log.read_text().split()) if dns_log.exists() else 0
    return Run(name, pages, readings, first, second, lookups)


def load_index(corpus: Path) -> Index:
    path = corpus / "articles" / "fundus_by_html.json"
    if not path.is_file():
        raise BenchError(f"no corpus at {corpus} (no articles/fundus_by_html.json): pass --corpus")
    index: Index = json.loads(path.read_text(encoding="utf-8"))
    return index


def second_crawl_figures(run: Run) -> dict[str, int]:
    """Pages fetched again (stored ones: waste; ones not stored: a retry), and the feed and
    sitemap requests without a validator."""
    stored = {address_keys(page.url)[0] for page in run.pages if page.url in run.readings}
    lost = {address_keys(page.url)[0] for page in run.pages} - stored
    requests = run.second.requests
    fetched = [address_keys(f"http://{r['host']}{r['path']}")[0] for r in requests]
    indexes = [r for r in requests if r["path"] in (FEED_PATH, SITEMAP_PATH)]
    return {
        "pages_refetched": sum(address in stored for address in fetched),
        "unstored_pages_retried": sum(address in lost for address in fetched),
        "unconditional_requests": sum(
            not (r["if_none_match"] or r["if_modified_since"]) for r in indexes
        ),
        "feed_and_sitemap_requests": len(indexes),
        "not_modified": sum(r["status"] == 304 for r in indexes),
        "robots_requests": sum(r["path"] == ROBOTS_PATH for r in requests),
    }
