"""The demo: start the local outlet world, crawl it with the real spiders, write a digest.

The world's outlets keep their addresses in a workdir: the first demo there picks free ports and
records them in ``world-port``; a later demo serves the outlets on the same ones, so its articles
have the URLs already stored and nothing is stored twice.
"""

from __future__ import annotations

import errno
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from mediamon.core.config import resolve_config_dir
from mediamon.core.context import Context, get_context

if TYPE_CHECKING:
    from mediamon.world import OutletWorld

WORLD_PORT_FILE = "world-port"
PORT_ATTEMPTS = 10


@dataclass(frozen=True)
class DemoResult:
    workdir: Path
    database: Path
    digest: Path
    digest_html: Path
    stats: dict[str, Any]


class DemoError(RuntimeError):
    """The demo cannot run; the message says why and what to do."""


def run_demo(workdir: Path, config_dir: str | None = None) -> DemoResult:
    """Crawl the outlet world into ``workdir``/mediamon.sqlite; write digest.md and digest.html.

    The topics come from the project's config directory when it has a topics.yaml.
    """
    from mediamon.crawl.run import run_crawl

    workdir.mkdir(parents=True, exist_ok=True)
    database = workdir / "mediamon.sqlite"
    topics = resolve_config_dir(config_dir) / "topics.yaml"
    with start_world(workdir) as world:
        world_config = world.write_config(
            workdir / "config",
            topics if topics.is_file() else None,
            # relative to the config directory: `mediamon serve --config DIR` finds the database
            database_url=f"sqlite:///../{database.name}",
        )
        context = get_context(str(world_config), f"sqlite:///{database}")
        stats = run_crawl(context)["feeds"]
        dates = [article.published for article in world.articles]
    digest, digest_html = workdir / "digest.md", workdir / "digest.html"
    period = _days_of(dates, context.config.settings.zone)
    for out, output_format in ((digest, "md"), (digest_html, "html")):
        _write_digest(context, period, output_format, out)
    return DemoResult(workdir, database, digest, digest_html, stats)


def start_world(workdir: Path) -> OutletWorld:
    """The outlet world, running on the ports recorded in ``workdir`` (or on new ones, then
    recorded there)."""
    from mediamon.world import OutletWorld

    recorded = _recorded_port_base(workdir / WORLD_PORT_FILE)
    if recorded is not None:
        try:
            return OutletWorld(port_base=recorded).start()
        except OSError as exc:
            raise DemoError(
                f"cannot serve the outlet world on ports {recorded} and up, where the demo in "
                f"{workdir} served it before ({exc.strerror or exc}); is a demo still running "
                f"there? Stop it, or use another --workdir"
            ) from exc
    for _ in range(PORT_ATTEMPTS):
        base = _free_port()
        try:
            world = OutletWorld(port_base=base).start()
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE:
                raise
            continue
        (workdir / WORLD_PORT_FILE).write_text(f"{base}\n", encoding="utf-8")
        return world
    raise DemoError(f"found no free ports for the outlet world in {PORT_ATTEMPTS} attempts")


def _recorded_port_base(path: Path) -> int | None:
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8").strip()
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise DemoError(f"{path}: not a port number ({text!r}); delete it to pick new ports")
    return int(text)


def _free_port() -> int:
    """A port the system has free now (the world takes it and the next ones)."""
    from mediamon.world import DEFAULT_HOST_BASE

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((DEFAULT_HOST_BASE, 0))
        port: int = probe.getsockname()[1]
    return port


def _days_of(dates: Sequence[datetime], zone: ZoneInfo) -> tuple[datetime, datetime]:
    from mediamon.digest.periods import day_window

    start = day_window(min(dates).astimezone(zone).date(), zone)[0]
    end = day_window(max(dates).astimezone(zone).date(), zone)[0] + timedelta(days=1)
    return start, end


def _write_digest(
    context: Context, period: tuple[datetime, datetime], output_format: str, out: Path
) -> None:
    from mediamon.digest.job import DigestRequest, run_digest

    request = DigestRequest(period[0], period[1], None, output_format, False, out)
    run_digest(context.engine, context.config, request)
