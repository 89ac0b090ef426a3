"""The demo: start the local outlet world, crawl it with the real spiders, write a digest."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from mediamon.core.config import resolve_config_dir
from mediamon.core.context import get_context


@dataclass(frozen=True)
class DemoResult:
    workdir: Path
    database: Path
    digest: Path
    digest_html: Path
    stats: dict[str, Any]


def run_demo(workdir: Path, config_dir: str | None = None) -> DemoResult:
    """Crawl the outlet world into ``workdir``/mediamon.sqlite; write digest.md and digest.html.

    The topics come from the project's config directory when it has a topics.yaml.
    """
    from mediamon.crawl.run import run_crawl
    from mediamon.digest.build import build_digest, day_window, render_markdown
    from mediamon.digest.render import render_html
    from mediamon.world import OutletWorld

    workdir.mkdir(parents=True, exist_ok=True)
    database = workdir / "mediamon.sqlite"
    topics = resolve_config_dir(config_dir) / "topics.yaml"
    with OutletWorld() as world:
        world_config = world.write_config(workdir / "config", topics if topics.is_file() else None)
        context = get_context(str(world_config), f"sqlite:///{database}")
        stats = run_crawl(context)["feeds"]
        dates = [article.published for article in world.articles]
    zone = context.config.settings.zone
    start = day_window(min(dates).astimezone(zone).date(), zone)[0]
    end = day_window(max(dates).astimezone(zone).date(), zone)[0] + timedelta(days=1)
    built = build_digest(context.engine, context.config, start, end)
    digest, digest_html = workdir / "digest.md", workdir / "digest.html"
    digest.write_text(render_markdown(built), encoding="utf-8")
    digest_html.write_text(render_html(built), encoding="utf-8")
    return DemoResult(workdir, database, digest, digest_html, stats)
