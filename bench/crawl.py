"""End-to-end crawl throughput and memory: mediamon's full path against a bare Scrapy spider.

Usage: ``python bench/crawl.py [--outlets 20] [--articles 1000]`` crawls a generated outlet world
on loopback twice, each crawl in its own process: the baseline (bench/baseline_spider.py:
trafilatura in the callback, JSON lines out) and ``mediamon crawl --spider sitemaps`` (extract,
appeal stripping, dedup, topics, store into SQLite). The resident memory of the mediamon process
and its children (crawl processes, extraction workers) is sampled; ``rss_mb_5k`` is its peak
until a quarter of the pages were served (5,000 of 20,000), ``rss_mb_20k`` its peak over the
whole crawl. CPU seconds per page are those of each whole process tree: ``RUSAGE_CHILDREN`` at its
end (crawl processes are waited for), or the sum of what /proc showed of each process while
sampling (extraction workers are the forkserver's children), if more; ``cpu_ratio`` is
mediamon's per page over the baseline's.

``--peers`` sets news-please and newspaper4k beside them on the same world: each installed
from the package index into a virtual environment of its own under ``--peers-dir`` (created
once, reused after), never into mediamon's, and run by bench/peer_fetch.py on ``--peer-pages``
of the article URLs (a sample: the peers are much slower); pages per second and CPU per page
for each, as ``<peer>_pps`` and ``<peer>_cpu_ms_per_page``. A peer that cannot be installed is
said so, and the benchmark goes on.

``--workers`` adds per-request latency to the world (download-bound) and compares one
``mediamon worker`` with two, fed by ``mediamon crawl --distributed`` through Redis. The last
line printed is a JSON object with the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
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
    cpu_seconds: float  # user + system of the whole process tree


def children_cpu_seconds() -> float:
    """CPU seconds of the children this process has waited for, and of theirs in turn."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def clean_environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("MEDIAMON_")}


def resident_mb(tree: list[int]) -> float:
    """Resident memory of the processes of ``tree`` (crawl and extraction processes)."""
    return sum(_own_resident_mb(p) for p in tree)


def _own_cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


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
    cpu_before = children_cpu_seconds()
    started = time.monotonic()
    process = subprocess.Popen(command, cwd=REPO, env=clean_environment())
    early_peak = peak = 0.0
    cpu_seen: dict[int, float] = {}  # extraction workers are not this process's grandchildren
    while process.poll() is None:
        tree = _process_tree(process.pid)
        cpu_seen.update({pid: _own_cpu_seconds(pid) for pid in tree})
        rss = resident_mb(tree)
        peak = max(peak, rss)
        if served.update() <= early_pages:
            early_peak = max(early_peak, rss)
        time.sleep(POLL_SECONDS)
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed with exit code {process.returncode}")
    # The waited-for tree counted at its end, or what was seen of every process, if more.
    cpu = max(children_cpu_seconds() - cpu_before, sum(cpu_seen.values()))
    return Measured(time.monotonic() - started, early_peak, peak, cpu)


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
        "baseline_cpu_ms_per_page": round(1000 * baseline.cpu_seconds / baseline_pages, 2),
        "mediamon_cpu_ms_per_page": round(1000 * mediamon.cpu_seconds / pages, 2),
        "cpu_ratio": round(
            (mediamon.cpu_seconds / pages) / (baseline.cpu_seconds / baseline_pages), 2
        ),
        "rss_mb_5k": round(mediamon.early_peak_mb, 1),
        "rss_mb_20k": round(mediamon.peak_mb, 1),
        "rss_growth": round(mediamon.peak_mb / mediamon.early_peak_mb - 1, 3),
    }


PEERS = {"news-please": "news-please", "newspaper4k": "newspaper4k"}  # name: PyPI requirement


def compare_peers(
    world: OutletWorld, workdir: Path, peers_dir: Path, sample: int
) -> dict[str, float | str]:
    """Each peer's pages per second and CPU per page on ``sample`` of the world's articles."""
    urls = [article.url for article in world.articles][:: max(1, len(world.articles) // sample)]
    urls_file = workdir / "peer-urls.txt"
    urls_file.parent.mkdir(parents=True, exist_ok=True)
    urls_file.write_text("\n".join(urls[:sample]), encoding="utf-8")
    figures: dict[str, float | str] = {}
    for name, requirement in PEERS.items():
        python = peer_python(peers_dir / name, requirement)
        if python is None:
            figures[f"{name}_pps"] = "not installed"
            continue
        command = [str(python), str(REPO / "bench/peer_fetch.py"), name, str(urls_file)]
        cpu_before = children_cpu_seconds()
        started = time.monotonic()
        result = subprocess.run(command, capture_output=True, text=True, env=clean_environment())
        seconds = time.monotonic() - started
        cpu = children_cpu_seconds() - cpu_before
        if result.returncode != 0:
            print(f"{name} failed: {result.stderr.strip().splitlines()[-1:]}")
            figures[f"{name}_pps"] = "failed"
            continue
        pages = json.loads(result.stdout.strip().splitlines()[-1])["pages"]
        print(f"{name}: {pages} of {len(urls[:sample])} pages parsed in {seconds:.1f} s")
        figures[f"{name}_pps"] = round(pages / seconds, 1)
        figures[f"{name}_cpu_ms_per_page"] = round(1000 * cpu / max(pages, 1), 2)
    return figures


def peer_python(venv: Path, requirement: str) -> Path | None:
    """The Python of ``venv`` with ``requirement`` installed; None (said) if it cannot be."""
    python = venv / "bin" / "python"
    marker = venv / ".installed"
    if marker.exists():
        return python
    print(f"installing {requirement} into {venv} ...")
    steps = [
        [sys.executable, "-m", "venv", str(venv)],
        [str(python), "-m", "pip", "install", "--quiet", requirement],
    ]
    for step in steps:
        result = subprocess.run(step, capture_output=True, text=True)
        if result.returncode != 0:
            lines = (result.stderr or result.stdout).strip().splitlines()
            print(f"{requirement} could not be installed: {lines[-1] if lines else 'no output'}")
            return None
    marker.touch()
    return python


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
        "--peers", action="store_true", help="also run news-please and newspaper4k (own venvs)"
    )
    parser.add_argument(
        "--peers-dir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "mediamon-bench-peers",
        help="where the peers' virtual environments are made and kept (a temporary directory)",
    )
    parser.add_argument(
        "--peer-pages", type=int, default=1000, help="article URLs each peer fetches (1000)"
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
    figures: dict[str, float | str] = {}
    with tempfile.TemporaryDirectory(prefix="mediamon-bench-") as temporary:
        workdir = Path(temporary)
        with OutletWorld.generated(arguments.outlets, arguments.articles) as world:
            figures.update(compare_with_baseline(world, workdir / "main"))
            if arguments.peers:
                peers = compare_peers(
                    world, workdir / "peers", arguments.peers_dir, arguments.peer_pages
                )
                figures.update(peers)
        if arguments.workers:
            with OutletWorld.generated(arguments.outlets, arguments.worker_articles) as world:
                figures.update(compare_workers(world, workdir / "workers", arguments.latency))
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
