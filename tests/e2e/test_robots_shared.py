"""One `mediamon crawl` runs feeds, sitemaps and sections in turn: each outlet's robots.txt is
still fetched only once."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from tests.support import PROJECT_CONFIG, run_mediamon


def test_robots_txt_is_fetched_once_per_host_across_spiders(world: Any, tmp_path: Path) -> None:
    config = world.write_config(tmp_path / "config", PROJECT_CONFIG / "topics.yaml", discovery=True)
    world.clear_requests()
    result = run_mediamon(
        "crawl", "--config", str(config), "--database-url", f"sqlite:///{tmp_path}/r.sqlite"
    )
    assert {line.split(":")[0] for line in result.stdout.splitlines() if ": " in line} >= {
        "feeds",
        "sitemaps",
        "sections",
    }
    robots = Counter(r.host for r in world.requests if r.path == "/robots.txt")
    assert robots == {outlet.host: 1 for outlet in world.outlets}
