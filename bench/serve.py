"""Workspace benchmark: each main page and API call under 8 concurrent clients, on a store of
10,000 and one of 1,000,000 articles (the digest benchmark's generator), served by a real
`mediamon serve` on loopback.

    .venv/bin/python bench/serve.py [--sizes 10000,1000000] [--cache DIR] [--requests N]

Prints p50 and p95 latency per page or call at each size and the ratio of the largest size's
p95 to the smallest's; the last line is one JSON object with those figures plus
``worst_p95_ms_<size>`` and ``worst_ratio`` (the largest over pages and calls). Targets: p95 under
300 ms at 1M articles on SQLite for every page and call, ratio at most 2. Seeded databases are
cached in --cache (default: a temporary directory) under a name that changes with the schema.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from statistics import median, quantiles

REPO = Path(__file__).resolve().parents[1]
sys.path.append(str(REPO))  # bench.digest

from bench.digest import PER_DAY, build_database  # noqa: E402
from mediamon.core.config import load_config  # noqa: E402

CLIENTS = 8
TARGET_P95_MS = 300
TARGET_RATIO = 2
CALLS = {
    "overview": "/",
    "topic": "/topics/belgorod-incursion",
    "search": "/search?q=shelling+AND+governor",
    "outlets": "/outlets",
    "runs": "/runs",
    "digests": "/digests",
    "api_topics": "/api/v1/topics",
    "api_stories": "/api/v1/stories?topic=belgorod-incursion",
    "api_articles": "/api/v1/articles?outlet=meduza-en&limit=50",
    "api_article": "/api/v1/articles/{article_id}",
    "api_search": "/api/v1/search?q=shelling+AND+governor&language=en",
    "api_outlets": "/api/v1/outlets",
    "api_runs": "/api/v1/runs",
}
SERVING = re.compile(r"at http://127\.0\.0\.1:(\d+)/")


def schema_fingerprint() -> str:
    """Changes whenever a migration does, so a cached database always has today's schema."""
    digest = hashlib.sha256()
    for migration in sorted((REPO / "mediamon" / "core" / "migrations").rglob("*.py")):
        digest.update(migration.read_bytes())
    return digest.hexdigest()[:12]


def seeded(cache: Path, articles: int) -> Path:
    path = cache / f"serve-{articles}-{schema_fingerprint()}.sqlite"
    if not path.exists():
        started = time.perf_counter()
        partial = path.with_suffix(".building")
        partial.unlink(missing_ok=True)
        build_database(partial, articles // PER_DAY, load_config(str(REPO / "config"), None))
        partial.rename(path)
        print(f"seeded {path} in {time.perf_counter() - started:.0f} s", flush=True)
    return path


def newest_article(path: Path) -> int:
    with sqlite3.connect(path) as connection:
        (article_id,) = connection.execute("SELECT max(id) FROM articles").fetchone()
    return int(article_id)


def start_server(path: Path) -> tuple[subprocess.Popen[str], int]:
    command = [
        sys.executable, "-m", "mediamon", "serve", "--config", str(REPO / "config"),
        "--database-url", f"sqlite:///{path}", "--port", "0",
    ]  # fmt: skip
    env = {k: v for k, v in os.environ.items() if k != "MEDIAMON_WEB_TOKEN"}
    server = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env=env)
    assert server.stderr is not None
    line = server.stderr.readline()
    found = SERVING.search(line)
    if found is None:
        server.kill()
        raise SystemExit(f"mediamon serve did not start: {line}{server.stderr.read()}")
    return server, int(found.group(1))


def measure(port: int, paths: dict[str, str], requests: int) -> dict[str, list[float]]:
    """Latencies (ms) of ``requests`` requests per call, from CLIENTS threads at once."""
    latencies: dict[str, list[float]] = defaultdict(list)
    lock = threading.Lock()
    work = [name for name in paths for _ in range(requests)]
    work.sort(key=lambda name: hash((name, len(latencies))))  # interleave the calls

    def client(share: list[str]) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        for name in share:
            started = time.perf_counter()
            connection.request("GET", paths[name])
            response = connection.getresponse()
            response.read()
            elapsed = (time.perf_counter() - started) * 1000
            if response.status != 200:
                raise SystemExit(f"{paths[name]} answered {response.status}")
            with lock:
                latencies[name].append(elapsed)
        connection.close()

    threads = [threading.Thread(target=client, args=(work[n::CLIENTS],)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies


def run_size(path: Path, requests: int) -> dict[str, tuple[float, float]]:
    paths = {name: p.format(article_id=newest_article(path)) for name, p in CALLS.items()}
    server, port = start_server(path)
    try:
        measure(port, paths, 1)  # warm up: first connections, caches, the page cache
        latencies = measure(port, paths, requests)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {name: (median(ms), quantiles(ms, n=20)[18]) for name, ms in latencies.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,1000000", help="Articles in each store.")
    parser.add_argument("--cache", type=Path, help="Keep the seeded databases here.")
    parser.add_argument("--requests", type=int, default=40, help="Requests per page or call.")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="mediamon-bench-serve-") as scratch:
        cache = args.cache or Path(scratch)
        cache.mkdir(parents=True, exist_ok=True)
        figures = {size: run_size(seeded(cache, size), args.requests) for size in sizes}
    result: dict[str, object] = {"clients": CLIENTS, "requests_per_call": args.requests}
    small, large = min(sizes), max(sizes)
    ratios = []
    for name in CALLS:
        for size in sizes:
            p50, p95 = figures[size][name]
            result[f"{name}_p50_ms_{size}"] = round(p50, 1)
            result[f"{name}_p95_ms_{size}"] = round(p95, 1)
            print(f"{name:14} {size:>9} articles: p50 {p50:7.1f} ms  p95 {p95:7.1f} ms")
        ratio = figures[large][name][1] / figures[small][name][1]
        ratios.append(ratio)
        result[f"{name}_ratio"] = round(ratio, 2)
    worst = max(figures[large][name][1] for name in CALLS)
    result[f"worst_p95_ms_{'1m' if large == 1_000_000 else large}"] = round(worst, 1)
    result["worst_ratio"] = round(max(ratios), 2)
    result["targets_met"] = worst < TARGET_P95_MS and max(ratios) <= TARGET_RATIO
    print(json.dumps(result))


if __name__ == "__main__":
    main()
