"""Real pages end to end: the corpus's real pages crawled by `mediamon crawl`, scored against the
corpus's expected values, side by side with bare trafilatura and htmldate in the same run.

Each run starts the shared replay proxy (tools/replay_corpus.py: every page under its publisher's
real domain, with a feed, a Google-News sitemap and robots.txt per domain), writes a config with
one outlet per domain (its feed and its sitemap; the `defaults` block of the repo's
config/outlets.yaml, without download delay), crawls it with `mediamon crawl` through the proxy
(DNS replaced by a stub that resolves nothing and records every lookup), reads what was stored,
then crawls again and counts, from the replay's request log, the stored pages fetched again
(`pages_refetched`; a page not stored and fetched again is a retry, counted apart) and the feed and
sitemap requests sent without If-None-Match or If-Modified-Since (`unconditional_requests`). It
runs twice: with dates in the feeds and sitemaps, and with `--feed-dates none` (dates from the
pages only: `date_exact_nofeed`); the other scores are the first run's. Bare trafilatura
(`extract`, `extract_metadata`) and htmldate (`find_date`) read the same pages in this process,
from the corpus's UTF-8 text. Two corpus pages share one URL, so the replay serves one of them:
`pages` counts the pages served, `corpus_pages` the corpus's.

Scoring; a page not stored is a miss; pages without an expected value are left out of that metric:
- body F1: 4-word shingles, per-page precision and recall averaged, then the F1 of the averages
- title exact: equal after NFC, dropping invisible format characters (soft hyphens, zero-width
  spaces) and collapsing whitespace runs to one space; case, punctuation and entities count
- authors F1: per-page F1 of the name sets (NFC, casefolded, whitespace collapsed), averaged
- date exact day: the stored date's day, taken in the expected value's own offset, is the expected
  day (the replay gives offset-less expected values +00:00; a bare date is compared as it is)

Crawl CPU seconds are those of `mediamon crawl` and every process it waited for (getrusage of
the children). Every crawl's output is counted for ERROR lines and tracebacks. The last line
printed is a JSON object with the figures.

    .venv/bin/python bench/real_pages.py [--corpus ../shared/corpus] [--tools ../shared/tools]
                                         [--keep DIR] [--verbose]
"""

from __future__ import annotations

import argparse
import ast
import gzip
import json
import os
import re
import resource
import select
import signal
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import htmldate
import trafilatura
import yaml
from extraction import shingles  # bench/extraction.py: the corpus README's 4-word shingles
from sqlalchemy import select as sql_select
from sqlalchemy.orm import Session

from mediamon.core.db import open_database
from mediamon.core.models import ArticleRow
from mediamon.world.attacks import write_stub_dns

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
FEED_DATES = {"feed dates": "page", "no feed dates": "none"}
FEED_PATH, SITEMAP_PATH, ROBOTS_PATH = "/replay-feed.xml", "/replay-news-sitemap.xml", "/robots.txt"
HTMLDATE_SETTINGS: dict[str, Any] = {"original_date": True, "extensive_search": True}
# Autothrottle off: it starts every outlet at a 5 s delay, which only makes the bench slower.
SETTINGS_YAML = "timezone: UTC\ncrawling:\n  time_limit_seconds: 600\n  autothrottle: false\n"
PROXY_VARIABLES = {"http_proxy", "https_proxy", "no_proxy", "all_proxy"}
READY_TIMEOUT_S, CRAWL_TIMEOUT_S = 120, 900
ERROR_LINE, WARNING_LINE = re.compile(r"\bERROR\b"), re.compile(r"\bWARNING\b")
WHITESPACE = re.compile(r"\s+")
NOT_SLUG = re.compile(r"[^a-z0-9]+")
TARGETS = {
    "coverage": 1.0,
    "error_lines": 0,
    "tracebacks": 0,
    "date_exact_nofeed": ">= 0.97 and > date_exact_htmldate",
    "body_f1": ">= body_f1_trafilatura + 0.01",
    "title_exact": 0.90,
    "pages_refetched": 0,
    "unconditional_requests": 0,
}


Index = dict[str, dict[str, Any]]  # the corpus's fundus_by_html.json: expected values by page key


class BenchError(Exception):
    """A problem the benchmark reports in one line before exiting."""


@dataclass(frozen=True)
class Page:
    """A served page and the corpus's expected values for it."""

    key: str
    url: str  # the replay's URL, as the feed and the sitemap list it
    orig_url: str  # the publisher's URL
    title: str
    authors: tuple[str, ...]
    published: datetime | None
    expected_text: str


@dataclass(frozen=True)
class Reading:
    """What one side made of one page; ``published`` is a day for the date-only extractors."""

    text: str = ""
    title: str = ""
    authors: tuple[str, ...] = ()
    published: datetime | date | None = None


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


# The replay and the crawls ---------------------------------------------------------------------


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


def crawl_twice(name: str, arguments: argparse.Namespace, index: Index, directory: Path) -> Run:
    directory.mkdir(parents=True)
    articles = arguments.corpus / "articles"
    with replay(arguments.tools, articles, directory, FEED_DATES[name]) as port:
        manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
        config = write_config(directory, manifest, not arguments.plain_defaults)
        env = crawl_environment(port, directory)
        check_config(config, env)
        print(f"{name}: crawling {len(manifest)} outlets through the replay", flush=True)
        first = crawl(config, env, directory / "crawl-first.log")
        second = crawl(config, env, directory / "crawl-second.log")
    split_requests(directory / "requests.jsonl", first, second)
    pages = pages_of(manifest, index)
    readings = match(pages, read_stored(f"sqlite:///{directory / 'mediamon.sqlite'}"))
    dns_log = directory / "dns.log"
    lookups = len(dns_log.read_text().split()) if dns_log.exists() else 0
    return Run(name, pages, readings, first, second, lookups)


# Pages and what was stored ---------------------------------------------------------------------


def load_index(corpus: Path) -> Index:
    path = corpus / "articles" / "fundus_by_html.json"
    if not path.is_file():
        raise BenchError(f"no corpus at {corpus} (no articles/fundus_by_html.json): pass --corpus")
    index: Index = json.loads(path.read_text(encoding="utf-8"))
    return index


def pages_of(manifest: dict[str, Any], index: Index) -> list[Page]:
    """The pages served: where two corpus pages share a URL, the one the replay serves (the
    last). Authors come from the corpus itself, which holds them as lists (the manifest's
    reading of them expects a string and finds none)."""
    pages: dict[str, Page] = {}
    for served in manifest.values():
        for entry in served["pages"]:
            published = entry["published"]
            pages[entry["url"]] = Page(
                key=entry["key"],
                url=entry["url"],
                orig_url=entry["orig_url"],
                title=entry["title"],
                authors=expected_authors(index[entry["key"]].get("authors")),
                published=datetime.fromisoformat(published) if published else None,
                expected_text=entry["expected_plaintext"],
            )
    return list(pages.values())


def expected_authors(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        try:
            value = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            return ()
    return tuple(str(name) for name in value) if isinstance(value, list) else ()


def read_stored(database_url: str) -> list[tuple[list[str], Reading]]:
    """Every stored article: its addresses (URL, canonical URL, source URL) and its reading."""
    query = sql_select(
        ArticleRow.url,
        ArticleRow.canonical_url,
        ArticleRow.source_url,
        ArticleRow.title,
        ArticleRow.text,
        ArticleRow.authors,
        ArticleRow.published_at,
    )
    engine = open_database(database_url)
    try:
        with Session(engine) as session:
            rows = session.execute(query).all()
    finally:
        engine.dispose()
    stored = []
    for url, canonical, source, title, text, authors, published in rows:
        reading = Reading(text, title or "", tuple(authors or ()), published)
        stored.append(([address for address in (url, canonical, source) if address], reading))
    return stored


def address_keys(url: str) -> tuple[str, str]:
    """An address exactly (host, decoded-then-encoded path, query) and loosely (no www., no
    trailing slash, no query: canonical URLs often drop tracking parameters)."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    path = quote(unquote(parts.path or "/").strip(), safe="/%:@!$&'()*+,;=-._~")
    loose = host.removeprefix("www.") + (path.rstrip("/") or "/")
    return f"{host}{path}?{parts.query}", loose


def match(pages: list[Page], stored: list[tuple[list[str], Reading]]) -> dict[str, Reading]:
    """Stored articles by the page URL they are: exact addresses first, then loose ones; each
    stored article is one page at most."""
    readings: dict[str, Reading] = {}
    used: set[int] = set()
    for exactness in (0, 1):
        index: dict[str, int] = {}
        for number, (addresses, _) in enumerate(stored):
            for address in addresses:
                index.setdefault(address_keys(address)[exactness], number)
        for page in pages:
            for address in (page.url, page.orig_url):
                number = index.get(address_keys(address)[exactness], -1)
                if page.url not in readings and number >= 0 and number not in used:
                    readings[page.url] = stored[number][1]
                    used.add(number)
    return readings


# The baselines ---------------------------------------------------------------------------------


def baselines(
    corpus: Path, index: Index, pages: list[Page]
) -> tuple[dict[str, Reading], dict[str, Reading]]:
    """Bare trafilatura and htmldate on each page's HTML as the corpus stores it (UTF-8)."""
    bare, dates = {}, {}
    for page in pages:
        raw = (corpus / "articles" / index[page.key]["html_path"]).read_bytes()
        html = gzip.decompress(raw).decode("utf-8", "replace")
        bare[page.url] = trafilatura_reading(html, page.orig_url)
        found = htmldate.find_date(html, url=page.orig_url, **HTMLDATE_SETTINGS)
        dates[page.url] = Reading(published=day_of(found))
    return bare, dates


def trafilatura_reading(html: str, url: str) -> Reading:
    text = trafilatura.extract(html, url=url, include_comments=False, include_tables=True)
    metadata = trafilatura.extract_metadata(html, default_url=url)
    if metadata is None:
        return Reading(text or "")
    authors = tuple(a for a in (metadata.author or "").split(";") if a.strip())
    return Reading(text or "", metadata.title or "", authors, day_of(metadata.date))


def day_of(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


# Scoring ---------------------------------------------------------------------------------------


def normal_text(text: str) -> str:
    """NFC, invisible format characters (soft hyphens, zero-width spaces) dropped, whitespace
    runs as one space, stripped; case and punctuation kept."""
    visible = "".join(c for c in text if unicodedata.category(c) != "Cf")
    return WHITESPACE.sub(" ", unicodedata.normalize("NFC", visible)).strip()


def normal_names(names: tuple[str, ...]) -> set[str]:
    return {normal_text(name).casefold() for name in names if name.strip()}


def published_day(page: Page, value: datetime | date | None) -> date | None:
    if isinstance(value, datetime):
        assert page.published is not None
        return value.astimezone(page.published.tzinfo).date()
    return value


def title_exact(page: Page, reading: Reading) -> float | None:
    return float(normal_text(reading.title) == normal_text(page.title)) if page.title else None


def authors_f1(page: Page, reading: Reading) -> float | None:
    expected, found = normal_names(page.authors), normal_names(reading.authors)
    if not expected:
        return None
    common = len(expected & found)
    return 2 * common / (len(expected) + len(found))


def date_exact(page: Page, reading: Reading) -> float | None:
    if page.published is None:
        return None
    return float(published_day(page, reading.published) == page.published.date())


PAGE_METRICS: dict[str, Callable[[Page, Reading], float | None]] = {
    "title_exact": title_exact,
    "authors_f1": authors_f1,
    "date_exact": date_exact,
}


def body_f1(pages: list[Page], readings: dict[str, Reading]) -> float:
    precisions, recalls = [], []
    for page in pages:
        produced = shingles(readings.get(page.url, Reading()).text)
        expected = shingles(page.expected_text)
        common = len(produced & expected)
        precisions.append(common / len(produced) if produced else 0.0)
        recalls.append(common / len(expected) if expected else 1.0)
    precision, recall = sum(precisions) / len(pages), sum(recalls) / len(pages)
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def page_metric(name: str, pages: list[Page], readings: dict[str, Reading]) -> tuple[float, int]:
    """The metric's mean over the pages with an expected value, and their number."""
    values = [PAGE_METRICS[name](page, readings.get(page.url, Reading())) for page in pages]
    counted = [value for value in values if value is not None]
    return (sum(counted) / len(counted) if counted else 0.0), len(counted)


# The second crawl's requests -------------------------------------------------------------------


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


# Figures and report ----------------------------------------------------------------------------


def figures(
    runs: list[Run], bare: dict[str, Reading], dates: dict[str, Reading], corpus_pages: int
) -> dict[str, Any]:
    default, nofeed = runs
    pages = default.pages
    result: dict[str, Any] = {"pages": len(pages), "corpus_pages": corpus_pages}
    for suffix, readings in (("", default.readings), ("_nofeed", nofeed.readings)):
        result[f"stored{suffix}"] = len(readings)
        result[f"coverage{suffix}"] = round(len(readings) / len(pages), 4)
    sides = {"": default.readings, "_nofeed": nofeed.readings, "_trafilatura": bare}
    for suffix, readings in sides.items():
        result[f"body_f1{suffix}"] = round(body_f1(pages, readings), 4)
    for metric in PAGE_METRICS:
        for suffix, readings in sides.items():
            result[f"{metric}{suffix}"] = round(page_metric(metric, pages, readings)[0], 4)
        result[f"{metric}_pages"] = page_metric(metric, pages, default.readings)[1]
    result["date_exact_htmldate"] = round(page_metric("date_exact", pages, dates)[0], 4)
    second = [second_crawl_figures(run) for run in runs]
    summed = ("pages_refetched", "unstored_pages_retried", "unconditional_requests")
    for key in (*summed, "feed_and_sitemap_requests"):
        result[key] = sum(figures_of_run[key] for figures_of_run in second)
    result["robots_requests_second_crawl"] = sum(f["robots_requests"] for f in second)
    crawls = [crawl for run in runs for crawl in (run.first, run.second)]
    result["error_lines"] = sum(len(crawl.error_lines) for crawl in crawls)
    result["tracebacks"] = sum(crawl.tracebacks for crawl in crawls)
    result["warning_lines"] = sum(crawl.warning_lines for crawl in crawls)
    result["exit_codes"] = [crawl.exit_code for crawl in crawls]
    result["crawl_cpu_s"] = round(default.first.cpu_s, 2)
    result["crawl_cpu_s_per_page"] = round(default.first.cpu_s / len(pages), 4)
    result["crawl_s"] = round(default.first.wall_s, 1)
    result["second_crawl_cpu_s"] = round(default.second.cpu_s, 2)
    result["dns_lookups"] = sum(run.dns_lookups for run in runs)
    return result


METRIC_ROWS = {
    "coverage": "coverage",
    "body F1": "body_f1",
    "title exact": "title_exact",
    "authors F1": "authors_f1",
    "date exact day": "date_exact",
}
SIDE_COLUMNS = {"mediamon": "", "no feed dates": "_nofeed", "trafilatura": "_trafilatura"}
SIDE_COLUMNS["htmldate"] = "_htmldate"


def print_table(result: dict[str, Any]) -> None:
    print(f"{'':16}" + "".join(f"{side:>15}" for side in SIDE_COLUMNS) + f"{'pages':>7}")
    for label, metric in METRIC_ROWS.items():
        cells = [result.get(metric + suffix) for suffix in SIDE_COLUMNS.values()]
        shown = "".join("{:>15}".format("-" if c is None else f"{c:.4f}") for c in cells)
        print(f"{label:16}{shown}{result.get(metric + '_pages', result['pages']):>7}")


def print_crawls(runs: list[Run]) -> None:
    for run in runs:
        for label, crawl in (("first", run.first), ("second", run.second)):
            statuses = Counter(r["status"] for r in crawl.requests)
            print(
                f"{run.name}, {label} crawl: exit {crawl.exit_code}, {crawl.wall_s:.1f} s, "
                f"CPU {crawl.cpu_s:.1f} s, {len(crawl.requests)} requests {dict(statuses)}, "
                f"{len(crawl.error_lines)} ERROR lines, {crawl.warning_lines} WARNING lines, "
                f"{crawl.tracebacks} tracebacks"
            )
        second = second_crawl_figures(run)
        print(
            f"{run.name}, second crawl: {second['pages_refetched']} stored pages refetched, "
            f"{second['unstored_pages_retried']} pages not stored fetched again, "
            f"{second['unconditional_requests']} of {second['feed_and_sitemap_requests']} feed and "
            f"sitemap requests unconditional ({second['not_modified']} answered 304), "
            f"{second['robots_requests']} robots.txt requests"
        )


def days_off(page: Page, reading: Reading) -> float:
    day = published_day(page, reading.published)
    if day is None or page.published is None:
        return float("inf")
    return abs((day - page.published.date()).days)


def print_date_misses(run: Run, dates: dict[str, Reading]) -> None:
    misses = [p for p in run.pages if date_exact(p, run.readings.get(p.url, Reading())) == 0.0]
    misses.sort(key=lambda p: -days_off(p, run.readings.get(p.url, Reading())))
    print(f"{run.name}: date misses ({len(misses)}), worst first: expected | stored | htmldate")
    for page in misses:
        stored = run.readings.get(page.url, Reading()).published
        found = dates[page.url].published
        shown = stored.isoformat() if stored else "none"
        print(f"  {page.key:48} {page.published} | {shown} | {found or 'none'}")


def print_title_misses(run: Run) -> None:
    def similarity(page: Page) -> float:
        title = run.readings.get(page.url, Reading()).title
        return SequenceMatcher(None, normal_text(title), normal_text(page.title)).ratio()

    misses = [p for p in run.pages if title_exact(p, run.readings.get(p.url, Reading())) == 0.0]
    print(f"{run.name}: title misses ({len(misses)}), worst first: expected | stored")
    for page in sorted(misses, key=similarity):
        stored = run.readings[page.url].title if page.url in run.readings else "(not stored)"
        print(f"  {page.key:48} {normal_text(page.title)!r} | {normal_text(stored)!r}")


def print_details(runs: list[Run], dates: dict[str, Reading]) -> None:
    for run in runs:
        missing = [page.key for page in run.pages if page.url not in run.readings]
        print(f"{run.name}: not stored ({len(missing)}): {', '.join(missing) or 'none'}")
        for line in sorted({line for c in (run.first, run.second) for line in c.error_lines}):
            print(f"  {line[:240]}")
    for run in reversed(runs):
        print_date_misses(run, dates)
    print_title_misses(runs[0])


# The command -----------------------------------------------------------------------------------


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    default_corpus, default_tools = SHARED / "corpus", SHARED / "tools"
    parser.add_argument(
        "--corpus",
        type=Path,
        default=default_corpus,
        metavar="DIR",
        help=f"the corpus, with articles/ (default {default_corpus})",
    )
    parser.add_argument(
        "--tools",
        type=Path,
        default=default_tools,
        metavar="DIR",
        help=f"the folder of replay_corpus.py (default {default_tools})",
    )
    keep = "work in this new or empty folder and keep it (default: a temporary folder, removed)"
    parser.add_argument("--keep", type=Path, metavar="DIR", help=keep)
    misses = "list the pages not stored, date and title misses and ERROR lines"
    parser.add_argument("--verbose", action="store_true", help=misses)
    parser.add_argument(
        "--plain-defaults",
        action="store_true",
        help="outlets without the defaults block of config/outlets.yaml (prune, phrases)",
    )
    return parser.parse_args(argv)


def check_inputs(arguments: argparse.Namespace) -> None:
    if not (arguments.tools / "replay_corpus.py").is_file():
        raise BenchError(f"no replay_corpus.py in {arguments.tools}")
    if arguments.keep and arguments.keep.exists() and any(arguments.keep.iterdir()):
        raise BenchError(f"--keep {arguments.keep} is not empty: name a new folder")


@contextmanager
def workspace(keep: Path | None) -> Iterator[Path]:
    if keep:
        keep.mkdir(parents=True, exist_ok=True)
        yield keep.resolve()
        return
    with tempfile.TemporaryDirectory(prefix="mediamon-real-pages-") as directory:
        yield Path(directory)


def measure(arguments: argparse.Namespace) -> dict[str, Any]:
    index = load_index(arguments.corpus)
    with workspace(arguments.keep) as directory:
        runs = [
            crawl_twice(name, arguments, index, directory / FEED_DATES[name]) for name in FEED_DATES
        ]
    started = time.process_time()
    bare, dates = baselines(arguments.corpus, index, runs[0].pages)
    baseline_cpu_s = time.process_time() - started
    print_crawls(runs)
    if arguments.verbose:
        print_details(runs, dates)
    versions = f"trafilatura {trafilatura.__version__}, htmldate {htmldate.__version__}"
    print(f"baselines: {versions}, find_date({json.dumps(HTMLDATE_SETTINGS)})")
    result = figures(runs, bare, dates, len(index))
    result["baselines_cpu_s"] = round(baseline_cpu_s, 2)
    print_table(result)
    print(f"targets: {json.dumps(TARGETS)}")
    return result


def interrupt(signal_number: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    signal.signal(signal.SIGTERM, interrupt)  # stop the replay and the crawl, remove the folder
    try:
        check_inputs(arguments)
        result = measure(arguments)
    except BenchError as error:
        print(f"real_pages: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("real_pages: interrupted", file=sys.stderr)
        return 130
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
