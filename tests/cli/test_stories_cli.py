"""`mediamon stories` says which window it listed, so that "0 stories" is not a mystery."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from click.testing import CliRunner, Result

from mediamon.cli import main
from mediamon.core.db import open_database
from tests.support.articles import Pipelines, make_article

DEFAULT_WINDOW_LINE = re.compile(
    r"(\d+) stor(?:y|ies) first seen in the last 7 days "
    r"\(since (\d{4}-\d{2}-\d{2} \d{2}:\d{2}) UTC; --since DAY for another start\)"
)


def stories(config_dir: Path, database_url: str, *options: str) -> Result:
    arguments = ["stories", *options, "--config", str(config_dir), "--database-url", database_url]
    result = CliRunner().invoke(main, arguments)
    assert result.exit_code == 0, result.output
    return result


def test_the_default_window_is_said_with_its_start(config_dir: Path, tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path / 'empty.sqlite'}"
    open_database(database_url).dispose()
    before = datetime.now(UTC).replace(second=0, microsecond=0)
    last_line = stories(config_dir, database_url).output.splitlines()[-1]
    found = DEFAULT_WINDOW_LINE.fullmatch(last_line)
    assert found is not None, last_line
    assert found.group(1) == "0"
    start = datetime.strptime(found.group(2), "%Y-%m-%d %H:%M").replace(tzinfo=UTC)
    assert abs(start - (before - timedelta(days=7))) <= timedelta(minutes=2)


def test_an_older_story_is_outside_the_default_window_and_found_with_since(
    config_dir: Path, tmp_path: Path
) -> None:
    database_url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    ten_days_ago = datetime.now(UTC) - timedelta(days=10)
    text = "Shelling damaged two substations in Shebekino overnight, the governor said."
    engine = open_database(database_url)
    Pipelines(engine).run(make_article("https://wire.example/1", text, published=ten_days_ago))
    engine.dispose()
    default = stories(config_dir, database_url).output
    assert DEFAULT_WINDOW_LINE.fullmatch(default.splitlines()[-1])
    assert default.splitlines()[-1].startswith("0 stories")
    day = f"{ten_days_ago - timedelta(days=1):%Y-%m-%d}"
    since = stories(config_dir, database_url, "--since", day).output
    assert "first: wire; outlets: wire" in since
    assert since.splitlines()[-1] == f"1 story first seen since {day} (UTC)"
