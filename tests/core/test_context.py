"""A crawl in the process that started it uses the command's context: the config is read and
the database opened once per process, whatever form the command was given them in."""

from __future__ import annotations

import re
from pathlib import Path

from mediamon.core.context import context_from_settings, get_context
from mediamon.crawl.plan import crawl_settings


def test_a_crawl_started_here_reuses_the_commands_context(config_dir: Path, tmp_path: Path) -> None:
    database = tmp_path / "context.sqlite"
    settings = config_dir / "settings.yaml"
    text = re.sub(
        r"(?m)^database_url:.*$", f"database_url: sqlite:///{database}", settings.read_text()
    )
    settings.write_text(text, encoding="utf-8")
    command = get_context(str(config_dir), None)  # the URL comes from settings.yaml
    crawl = context_from_settings(crawl_settings(command))
    assert crawl is command
