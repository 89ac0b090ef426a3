"""`mediamon crawl --processes N`: the outlets sharded over crawl processes, crawled as one."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from mediamon.core.config import ConfigError, load_config
from mediamon.core.context import get_context
from mediamon.core.db import open_database
from mediamon.core.exit_codes import ExitCode
from mediamon.core.models import ArticleRow, Run
from mediamon.crawl.plan import CrawlPlan
from mediamon.crawl.shards import balance, merge_stats, plan_shards, process_count
from mediamon.world import OutletWorld
from tests.support import PROJECT_CONFIG, REPO, run_mediamon

ARTICLE_PATH = re.compile(r"^/\d{4}/\d{2}/\d{2}/[\w-]+$")


@dataclass
class Crawled:
    output: str
    requests: list[Any]


def crawl(world: Any, config: Path, database_url: str, *options: str) -> Crawled:
    world.clear_requests()
    result = run_mediamon(
        "crawl", "--config", str(config), "--database-url", database_url, *options
    )
    return Crawled(result.stdout, world.requests)


def summary(output: str) -> list[str]:
    """The spiders' summary lines, without the first line (it names the database)."""
    return output.splitlines()[1:]


def stored_urls(database_url: str) -> list[str]:
    with Session(open_database(database_url)) as session:
        return list(session.scalars(select(ArticleRow.url)))


def runs(database_url: str) -> list[tuple[str, str]]:
    with Session(open_database(database_url)) as session:
        return [(run.job, run.outcome) for run in session.scalars(select(Run).order_by(Run.id))]


@dataclass
class ShardedCrawls:
    single: Crawled
    first: Crawled
    second: Crawled
    single_url: str
    sharded_url: str


@pytest.fixture(scope="module")
def crawls(world: Any, tmp_path_factory: pytest.TempPathFactory) -> ShardedCrawls:
    workdir = tmp_path_factory.mktemp("sharded")
    config = world.write_config(workdir / "config", PROJECT_CONFIG / "topics.yaml", discovery=True)
    single_url, sharded_url = f"sqlite:///{workdir}/one.sqlite", f"sqlite:///{workdir}/two.sqlite"
    single = crawl(world, config, single_url, "--processes", "1")
    first = crawl(world, config, sharded_url, "--processes", "2")
    second = crawl(world, config, sharded_url, "--processes", "2")
    return ShardedCrawls(single, first, second, single_url, sharded_url)


def test_two_processes_store_every_article_once(crawls: ShardedCrawls, world: Any) -> None:
    urls = stored_urls(crawls.sharded_url)
    assert sorted(urls) == sorted(a.url for a in world.articles)


def test_each_article_page_is_fetched_once(crawls: ShardedCrawls, world: Any) -> None:
    articles = {a.url for a in world.articles}
    fetched = Counter(r.url for r in crawls.first.requests if r.url in articles)
    assert fetched == Counter(articles)
    robots = Counter(r.host for r in crawls.first.requests if r.path == "/robots.txt")
    assert set(robots.values()) == {1}, "each outlet is crawled by one process only"


def test_summary_and_runs_are_those_of_one_process(crawls: ShardedCrawls) -> None:
    assert summary(crawls.first.output) == summary(crawls.single.output)
    assert "feeds: 16 new articles stored" in crawls.first.output
    assert runs(crawls.sharded_url)[:3] == runs(crawls.single_url)
    assert [job for job, _ in runs(crawls.single_url)] == [
        "crawl:feeds:all",
        "crawl:sitemaps:all",
        "crawl:sections:all",
    ]


def test_second_sharded_crawl_stores_nothing_new(crawls: ShardedCrawls, world: Any) -> None:
    assert len(stored_urls(crawls.sharded_url)) == len(world.articles)
    assert "feeds: 0 new articles stored" in crawls.second.output
    assert not [r for r in crawls.second.requests if ARTICLE_PATH.match(r.path)]


def test_sharded_crawl_into_postgresql_and_sqlite(
    world: Any, tmp_path: Path, database_url: str
) -> None:
    config = world.write_config(tmp_path / "config", PROJECT_CONFIG / "topics.yaml")
    crawled = crawl(world, config, database_url, "--processes", "2", "--spider", "feeds")
    assert sorted(stored_urls(database_url)) == sorted(a.url for a in world.articles)
    assert runs(database_url) == [("crawl:feeds:all", "ok")], crawled.output


# A slow world: the crawl processes are still busy when the test stops one or all of them.
@pytest.fixture(scope="module")
def slow_world() -> Any:
    with OutletWorld.generated(4, 12) as world:
        for outlet in world.outlets:
            world.site(outlet.id).latency = 1.0
        yield world


def slow_config(world: Any, directory: Path, discovery: bool = False) -> Path:
    """Two pages at a time per outlet: six seconds for each outlet's twelve articles."""
    config = world.write_config(directory, discovery=discovery)
    path = config / "outlets.yaml"
    document = yaml.safe_load(path.read_text())
    document["defaults"]["concurrency"] = 2
    path.write_text(yaml.safe_dump(document))
    return config


def start_crawl(config: Path, database_url: str, *options: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEDIAMON_")}
    command = [sys.executable, "-m", "mediamon", "crawl", "--processes", "2", *options]
    return subprocess.Popen(
        [*command, "--config", str(config), "--database-url", database_url],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def crawl_processes(parent: int) -> list[int]:
    """The crawl processes ``parent`` spawned (not multiprocessing's resource tracker)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes()
        except OSError:  # it has just ended
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == parent and b"spawn_main" in command:
            found.append(int(entry.name))
    return sorted(found)


def wait_for(condition: Callable[[], bool], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def articles_served(world: Any, outlets: set[str]) -> set[str]:
    """The outlets among ``outlets`` the world has answered an article page for."""
    return {r.outlet_id for r in world.requests if ARTICLE_PATH.match(r.path)} & outlets


def shard_outlets(config: Path, database_url: str) -> list[set[str]]:
    context = get_context(str(config), database_url)
    plan = CrawlPlan(["feeds"], [], False, "WARNING", None, None)
    return [set(job.outlets) for job in plan_shards(context, plan, 2)]


def test_a_killed_crawl_process_is_named_and_the_others_work_is_kept(
    slow_world: Any, tmp_path: Path
) -> None:
    config = slow_config(slow_world, tmp_path)
    database_url = f"sqlite:///{tmp_path}/m.sqlite"
    groups = shard_outlets(config, database_url)
    slow_world.clear_requests()
    crawl = start_crawl(config, database_url, "--spider", "feeds")
    wait_for(lambda: articles_served(slow_world, set().union(*groups)) == set().union(*groups))
    victim = crawl_processes(crawl.pid)[0]
    os.kill(victim, signal.SIGKILL)
    stdout, stderr = crawl.communicate(timeout=120)
    assert crawl.returncode == ExitCode.CRASHED, stderr
    match = re.search(
        r"Error: the crawl of ([\w, -]+) \(crawl process \d/2\) was killed by SIGKILL", stderr
    )
    assert match, stderr
    failed = set(match.group(1).split(", "))
    [kept] = [group for group in groups if group != failed]
    assert failed in groups
    stored = set(stored_urls(database_url))
    assert {a.url for a in slow_world.articles if a.outlet_id in kept} <= stored
    assert "(finished: crashed)" in stdout
    [(job, outcome)] = runs(database_url)
    assert (job, outcome) == ("crawl:feeds:all", "crashed")


def test_sigterm_stops_the_crawl_processes_cleanly(slow_world: Any, tmp_path: Path) -> None:
    config = slow_config(slow_world, tmp_path, discovery=True)
    database_url = f"sqlite:///{tmp_path}/m.sqlite"
    slow_world.clear_requests()
    crawl = start_crawl(config, database_url)
    every_outlet = {outlet.id for outlet in slow_world.outlets}
    wait_for(lambda: articles_served(slow_world, every_outlet) == every_outlet)
    children = crawl_processes(crawl.pid)
    crawl.send_signal(signal.SIGTERM)
    stdout, stderr = crawl.communicate(timeout=60)
    assert crawl.returncode == 1, stderr
    assert "the crawl was stopped before its end" in stderr
    assert "(finished: shutdown)" in stdout
    assert len(children) == 2
    assert not [pid for pid in children if Path(f"/proc/{pid}").exists()]
    # The requests in flight were finished and their pages stored; no further spider started.
    served = {r.url for r in slow_world.requests if ARTICLE_PATH.match(r.path) and r.status == 200}
    assert served <= set(stored_urls(database_url)), "a page fetched before the stop was lost"
    assert runs(database_url) == [("crawl:feeds:all", "shutdown")]
    assert not [r.path for r in slow_world.requests if "sitemap" in r.path]


def test_balance_spreads_the_weight_and_keeps_the_order() -> None:
    groups = balance([("a", 3), ("b", 1), ("c", 1), ("d", 1), ("e", 2)], 2)
    assert groups == [["a", "c"], ["b", "d", "e"]]  # weights 3+1 and 1+1+2
    assert balance([("a", 1), ("b", 1), ("c", 1)], 3) == [["a"], ["b"], ["c"]]


def test_process_count_defaults_to_the_cores_and_never_exceeds_the_outlets() -> None:
    assert process_count(None, None, 100) == (os.cpu_count() or 1)
    assert process_count(None, 3, 100) == 3
    assert process_count(5, 3, 100) == 5
    assert process_count(8, None, 2) == 2
    assert process_count(4, None, 0) == 1


def test_merged_stats_sum_counts_and_keep_the_notable_reason() -> None:
    from datetime import UTC, datetime

    early, late = datetime(2024, 1, 1, tzinfo=UTC), datetime(2024, 1, 2, tzinfo=UTC)
    merged = merge_stats(
        [
            {"mediamon/store/stored": 2, "start_time": late, "finish_time": late,
             "finish_reason": "finished", "memusage/max": 10, "elapsed_time_seconds": 4.0},
            {"mediamon/store/stored": 3, "start_time": early, "finish_time": early,
             "finish_reason": "shutdown", "memusage/max": 30, "elapsed_time_seconds": 2.0,
             "mediamon/store/outlet/x": 3},
        ]
    )  # fmt: skip
    assert merged == {
        "mediamon/store/stored": 5,
        "start_time": early,
        "finish_time": late,
        "finish_reason": "shutdown",
        "memusage/max": 30,
        "elapsed_time_seconds": 4.0,
        "mediamon/store/outlet/x": 3,
    }


@pytest.mark.parametrize("value", [0, -2, 1.5, "two", "2", True])
def test_crawl_processes_must_be_a_whole_number_of_processes(
    config_dir: Path, value: object
) -> None:
    (config_dir / "settings.yaml").write_text(
        yaml.safe_dump({"crawling": {"crawl_processes": value}})
    )
    with pytest.raises(ConfigError) as caught:
        load_config(config_dir)
    [problem] = [str(p) for p in caught.value.problems]
    assert "settings.yaml: crawling: field 'crawl_processes'" in problem
    assert "is not a number of processes; expected a whole number, 1 or more" in problem


def test_crawl_processes_may_be_left_to_the_cores(config_dir: Path) -> None:
    (config_dir / "settings.yaml").write_text("crawling:\n  crawl_processes: null\n")
    assert load_config(config_dir).settings.crawling.crawl_processes is None
    (config_dir / "settings.yaml").write_text("crawling:\n  crawl_processes: 3\n")
    assert load_config(config_dir).settings.crawling.crawl_processes == 3


def test_processes_option_is_checked(world_config: Path, tmp_path: Path) -> None:
    database = ("--database-url", f"sqlite:///{tmp_path}/m.sqlite")
    zero = run_mediamon("crawl", "--config", str(world_config), *database, "--processes", "0",
                        check=False)  # fmt: skip
    assert zero.returncode == 2
    assert "--processes" in zero.stderr and "0 is not in the range x>=1" in zero.stderr
    both = ("--processes", "2", "--distributed")
    mixed = run_mediamon("crawl", "--config", str(world_config), *database, *both, check=False)
    assert mixed.returncode == 2
    assert "--distributed crawls in one process" in mixed.stderr
