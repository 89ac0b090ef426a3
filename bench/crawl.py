"""End-to-end crawl throughput and memory: mediamon's full path against a bare Scrapy spider.

Usage: ``python bench/crawl.py [--outlets 20] [--articles 1000]`` crawls a generated outlet world
on loopback twice, each crawl in its own process: the baseline (bench/baseline_spider.py:
trafilatura in the callback, JSON lines out) and ``mediamon crawl --spider sitemaps`` (extract,
appeal stripping, dedup, topics, store into SQLite). The resident memory of the mediamon process
and its children (crawl processes, extraction workers) is sampled; ``rss_mb_5k`` is its peak
until a quarter of the pages were served (5,000 of 20,000), ``rss_mb_20k`` its peak over the
whole crawl.

``--workers`` adds per-request latency to the world (download-bound) and compares one
``mediamon worker`` with two, fed by ``mediamon crawl --distributed`` through Redis. The last
line printed is a JSON object with the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from mediamon.world import OutletWorld
from mediamon.world.discovery import SITEMAP_INDEX

REPO = Path(__file__).resolve().parents[1]
ARTICLE_PATH = re.compile(r"^/\d{4}/\d{2}/\d{2}/story-\d+$")
POLL_SECONDS = 0.2


class ServedArticles:
    """Counts the article pages the world has answered since it was created."""

    def __init__(self, world: OutletWorld) -> None:
        world.clear_requests()
        self.world = world
        self.seen = 0
        self.count = 0

    def update(self) -> int:
        records = self.world.requests[self.seen :]
        self.seen += len(records)
        self.count += sum(1 for r in records if r.status == 200 and ARTICLE_PATH.match(r.path))
        return self.count


@dataclass
class Measured:
    seconds: float
    early_peak_mb: float
    peak_mb: float


def clean_environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("MEDIAMON_")}


def resident_mb(pid: int) -> float:
    """Resident memory of ``pid`` and all its descendants (crawl and extraction processes)."""
    return sum(_own_resident_mb(p) for p in _process_tree(pid))


def _own_resident_mb(pid: int) -> float:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
    return int(match.group(1)) / 1024 if match else 0.0


def _process_tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    tree, pending = [], [root]
    while pending:
        pid = pending.pop()
        tree.append(pid)
        pending.extend(children.get(pid, []))
    return tree


def run_measured(command: list[str], world: OutletWorld, early_pages: int) -> Measured:
    """Run ``command`` to its end, sampling its memory against the pages served so far."""
    served = ServedArticles(world)
    started = time.monotonic()
    process = subprocess.Popen(command, cwd=REPO, env=clean_environment())
    early_peak = peak = 0.0
    while process.poll() is None:
        rss = resident_mb(process.pid)
        peak = max(peak, rss)
        if served.update() <= early_pages:
            early_peak = max(early_peak, rss)
        time.sleep(POLL_SECONDS)
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed with exit code {process.returncode}")
    return Measured(time.monotonic() - started, early_peak, peak)


def stored_pages(database: Path) -> int:
    """Articles stored in the SQLite file; 0 while it does not exist or is not migrated yet."""
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
            return int(connection.execute("SELECT count(*) FROM articles").fetchone()[0])
    except sqlite3.OperationalError:
        return 0


def compare_with_baseline(world: OutletWorld, workdir: Path) -> dict[str, float]:
    database = workdir / "mediamon.sqlite"
    config = world.write_config(
        workdir / "config", database_url=f"sqlite:///{database}", discovery=True
    )
    # The same politeness as the baseline's: no delay, 8 requests per outlet, no AutoThrottle
    # (on a loaded machine it reads its own CPU wait as a slow server and backs off).
    _append_settings(config, {"crawling": {"autothrottle": False}})
    sitemaps = [outlet.base_url + SITEMAP_INDEX for outlet in world.outlets]
    output = workdir / "baseline.jsonl"
    total = len(world.articles)
    baseline_command = [sys.executable, str(REPO / "bench/baseline_spider.py"), str(output)]
    baseline = run_measured([*baseline_command, *sitemaps], world, total // 4)
    baseline_pages = len(output.read_text(encoding="utf-8").splitlines())
    mediamon_command = [sys.executable, "-m", "mediamon", "crawl", "--spider", "sitemaps"]
    mediamon = run_measured([*mediamon_command, "--config", str(config)], world, total // 4)
    pages = stored_pages(database)
    if pages != total or baseline_pages != total:
        print(f"warning: {total} articles, baseline got {baseline_pages}, mediamon {pages}")
    baseline_pps = baseline_pages / baseline.seconds
    mediamon_pps = pages / mediamon.seconds
    return {
        "pages": pages,
        "baseline_pps": round(baseline_pps, 1),
        "mediamon_pps": round(mediamon_pps, 1),
        "ratio": round(mediamon_pps / baseline_pps, 2),
        "rss_mb_5k": round(mediamon.early_peak_mb, 1),
        "rss_mb_20k": round(mediamon.peak_mb, 1),
        "rss_growth": round(mediamon.peak_mb / mediamon.early_peak_mb - 1, 3),
    }


def compare_workers(world: OutletWorld, workdir: Path, latency: float) -> dict[str, float]:
    """Pages per second of one worker and of two, each fed the whole world through Redis."""
    for outlet in world.outlets:
        world.site(outlet.id).latency = latency
    one = workers_pps(world, workdir / "one", 1)
    two = workers_pps(world, workdir / "two", 2)
    return {
        "one_worker_pps": round(one, 1),
        "two_workers_pps": round(two, 1),
        "scale_ratio": round(two / one, 2),
    }


def workers_pps(world: OutletWorld, workdir: Path, workers: int) -> float:
    from mediamon.crawl.distributed import clear_namespace

    database = workdir / "mediamon.sqlite"
    config = world.write_config(
        workdir / "config", database_url=f"sqlite:///{database}", discovery=True
    )
    namespace = f"bench-{os.getpid()}-{workers}"
    _append_settings(config, {"redis_namespace": namespace})
    mediamon = [sys.executable, "-m", "mediamon"]
    feed = [*mediamon, "crawl", "--distributed", "--spider", "sitemaps", "--config", str(config)]
    try:
        subprocess.run(feed, cwd=REPO, env=clean_environment(), check=True, capture_output=True)
        worker = [*mediamon, "worker", "--config", str(config)]
        return _time_workers(database, len(world.articles), [worker] * workers)
    finally:
        clear_namespace("redis://127.0.0.1:6379/0", namespace)


def _time_workers(database: Path, expected: int, commands: list[list[str]]) -> float:
    """Pages per second from the workers' start until all ``expected`` articles are stored."""
    started = time.monotonic()
    processes = [
        subprocess.Popen(command, cwd=REPO, env=clean_environment(), stdout=subprocess.DEVNULL)
        for command in commands
    ]
    try:
        return _wait_for_pages(database, processes, started, expected)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=60)


def _wait_for_pages(
    database: Path, processes: list[subprocess.Popen[bytes]], started: float, expected: int
) -> float:
    stored = 0
    while stored < expected:
        if all(process.poll() is not None for process in processes):
            raise SystemExit(f"the workers exited with {stored} of {expected} pages stored")
        time.sleep(POLL_SECONDS)
        stored = stored_pages(database)
    return stored / (time.monotonic() - started)


def _append_settings(config: Path, values: dict[str, object]) -> None:
    import yaml

    path = config / "settings.yaml"
    document = yaml.safe_load(path.read_text(encoding="utf-8")) | values
    path.write_text(yaml.safe_dump(document), encoding="utf-8")


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--outlets", type=int, default=20, help="generated outlets (20)")
    parser.add_argument("--articles", type=int, default=1000, help="articles per outlet (1000)")
    parser.add_argument(
        "--workers", action="store_true", help="also compare one scrapy-redis worker with two"
    )
    parser.add_argument(
        "--worker-articles", type=int, default=100, help="articles per outlet, --workers (100)"
    )
    parser.add_argument(
        "--latency", type=float, default=0.3, help="seconds per request, --workers (0.3)"
    )
    return parser.parse_args()


def main() -> None:
    arguments = parse_arguments()
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="mediamon-bench-") as temporary:
        workdir = Path(temporary)
        with OutletWorld.generated(arguments.outlets, arguments.articles) as world:
            figures.update(compare_with_baseline(world, workdir / "main"))
        if arguments.workers:
            with OutletWorld.generated(arguments.outlets, arguments.worker_articles) as world:
                figures.update(compare_workers(world, workdir / "workers", arguments.latency))
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
