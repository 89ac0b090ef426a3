"""Polling cost: a first poll of 200 feeds, then a second poll with nothing changed.

The outlet world is generated (50 outlets with 4 feeds each by default). Each poll is one
`python -m mediamon crawl` process, timed from start to exit, so both polls pay the same start-up
(interpreter, Scrapy, config, database) and the ratio is fair. Requests and bytes come from the
world's request log (``bytes_sent``: status line, headers and body). The second poll, where
every feed answers 304, is then set beside a bare Scrapy spider (bench/bare_poller.py) sending
the same conditional GETs: wall time and CPU seconds of each whole process tree
(``RUSAGE_CHILDREN``). The last line printed is a JSON object: first_requests, second_requests,
first_bytes, second_bytes, bytes_ratio, first_s, second_s, time_ratio, articles_refetched,
unchanged_feeds, unchanged_s, unchanged_cpu_s, bare_s, bare_cpu_s, unchanged_time_ratio and
unchanged_cpu_ratio (mediamon / bare spider).

    .venv/bin/python bench/polling.py [--outlets 50] [--feeds-per-outlet 4] [--articles 12]
    .venv/bin/python bench/polling.py --outlets 1000 --feeds-per-outlet 1 --articles 2
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from mediamon.world import OutletWorld, RequestRecord

REPO = Path(__file__).resolve().parents[1]
TARGETS = {
    "bytes_ratio": 0.05,
    "time_ratio": 0.20,
    "articles_refetched": 0,
    "unchanged_time_ratio": 1.5,
    "unchanged_cpu_ratio": 1.5,
}


@dataclass(frozen=True)
class Poll:
    seconds: float
    requests: list[RequestRecord]
    cpu_seconds: float = 0.0

    @property
    def bytes(self) -> int:
        return sum(record.bytes_sent for record in self.requests)


def run_poll(world: OutletWorld, config: Path, database_url: str) -> Poll:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEDIAMON_")}
    command = [sys.executable, "-m", "mediamon", "crawl", "--config", str(config)]
    command += ["--database-url", database_url, "--spider", "feeds"]
    world.clear_requests()
    result, seconds, cpu = timed(command, env)
    if result.returncode != 0:
        raise SystemExit(f"crawl failed:\n{result.stdout}\n{result.stderr[-3000:]}")
    print(next((line for line in result.stdout.splitlines() if line.startswith("feeds:")), ""))
    return Poll(seconds, world.requests, cpu)


def timed(
    command: list[str], env: dict[str, str]
) -> tuple[subprocess.CompletedProcess[str], float, float]:
    """Run ``command``; its result, wall seconds and the CPU seconds of its process tree."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return result, seconds, cpu


def bare_poll(world: OutletWorld, database_url: str, workdir: Path) -> Poll:
    """The bare spider sending the conditional GETs mediamon sends, validators from its database."""
    from sqlalchemy import create_engine, text

    query = text("SELECT url, etag, last_modified FROM feeds ORDER BY url")
    with create_engine(database_url).connect() as connection:
        feeds = [list(row) for row in connection.execute(query)]
    feeds_file = workdir / "feeds.json"
    feeds_file.write_text(json.dumps(feeds), encoding="utf-8")
    world.clear_requests()
    command = [sys.executable, str(REPO / "bench/bare_poller.py"), str(feeds_file)]
    result, seconds, cpu = timed(command, dict(os.environ))
    if result.returncode != 0:
        raise SystemExit(f"bare poller failed:\n{result.stderr[-3000:]}")
    print(f"bare spider: {result.stdout.strip()} (status: count)")
    return Poll(seconds, world.requests, cpu)


def startup_seconds() -> float:
    """What a crawl process costs before its first request: imports, config and database."""
    code = (
        "import mediamon.crawl.run, scrapers.spiders.feeds, mediamon.extract.extractor, "
        "pipelines.store"
    )
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True)
    return time.perf_counter() - started


def unchanged_figures(second: Poll, bare: Poll) -> dict[str, float | int]:
    """The poll of unchanged feeds (all 304) beside the bare spider's same requests."""
    return {
        "unchanged_feeds": sum(1 for r in second.requests if r.status == 304),
        "unchanged_s": round(second.seconds, 2),
        "unchanged_cpu_s": round(second.cpu_seconds, 2),
        "bare_s": round(bare.seconds, 2),
        "bare_cpu_s": round(bare.cpu_seconds, 2),
        "bare_requests": len(bare.requests),
        "unchanged_time_ratio": round(second.seconds / bare.seconds, 3),
        "unchanged_cpu_ratio": round(second.cpu_seconds / bare.cpu_seconds, 3),
    }


def figures(world: OutletWorld, first: Poll, second: Poll) -> dict[str, float | int]:
    article_urls = {article.url for article in world.articles}
    return {
        "first_requests": len(first.requests),
        "second_requests": len(second.requests),
        "first_bytes": first.bytes,
        "second_bytes": second.bytes,
        "bytes_ratio": round(second.bytes / first.bytes, 4),
        "first_s": round(first.seconds, 2),
        "second_s": round(second.seconds, 2),
        "time_ratio": round(second.seconds / first.seconds, 4),
        "articles_refetched": sum(1 for r in second.requests if r.url in article_urls),
    }


def report(result: dict[str, float | int], startup: float) -> None:
    for poll in ("first", "second"):
        print(
            f"{poll} poll: {result[f'{poll}_requests']} requests, "
            f"{result[f'{poll}_bytes']:,} bytes, {result[f'{poll}_s']:.2f} s"
        )
    print(f"ratios: bytes {result['bytes_ratio']:.4f}, time {result['time_ratio']:.4f}")
    print(
        f"{result['unchanged_feeds']} feeds answering 304: mediamon {result['unchanged_s']:.2f} s"
        f" ({result['unchanged_cpu_s']:.2f} s CPU), bare spider {result['bare_s']:.2f} s"
        f" ({result['bare_cpu_s']:.2f} s CPU)"
    )
    print(f"process start-up alone (imports): {startup:.2f} s of each poll's wall time")
    missed = [key for key, limit in TARGETS.items() if result[key] > limit]
    print("targets met" if not missed else f"targets MISSED: {', '.join(missed)}")
    print(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--outlets", type=int, default=50)
    parser.add_argument("--feeds-per-outlet", type=int, default=4)
    parser.add_argument("--articles", type=int, default=12, help="articles per outlet")
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as workdir,
        OutletWorld.generated(args.outlets, args.articles, args.feeds_per_outlet) as world,
    ):
        database_url = f"sqlite:///{workdir}/polling.sqlite"
        config = world.write_config(Path(workdir) / "config", database_url=database_url)
        print(f"{len(world.articles)} articles in {args.outlets * args.feeds_per_outlet} feeds")
        first = run_poll(world, config, database_url)
        second = run_poll(world, config, database_url)
        bare = bare_poll(world, database_url, Path(workdir))
        result = figures(world, first, second) | unchanged_figures(second, bare)
        report(result, startup_seconds())


if __name__ == "__main__":
    main()
