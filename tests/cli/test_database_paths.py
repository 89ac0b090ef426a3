"""Where the database is: a relative SQLite path in settings.yaml is relative to the config
directory (whatever the working directory), one given on the command line to the working
directory; commands that only read refuse to create a database that does not exist; a database
that cannot be reached is one line naming it without its password."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import make_url

from tests.support import POSTGRES_SERVER, PROJECT_CONFIG, run_mediamon
from tests.support.scheduler import write_yaml

MISSING = "mediamon_no_such_database"
# The commands that only read the database, with the arguments they need.
READING_COMMANDS = {
    "status": ["status"],
    "digest": ["digest", "--date", "2023-05-23"],
    "search": ["search", "belgorod"],
    "stories": ["stories"],
    "topics test": ["topics", "test", "belgorod-incursion"],
    "boilerplate list": ["boilerplate", "list", "meduza-en"],
    "versions": ["versions", "https://meduza.io/en/news/2023/05/22/x"],
}


def everything_under(directory: Path) -> list[Path]:
    return sorted(directory.rglob("*"))


@pytest.mark.e2e
def test_a_relative_database_path_in_settings_is_relative_to_the_config_directory(
    world: Any, tmp_path: Path
) -> None:
    config = world.write_config(tmp_path / "config")
    settings = {"timezone": "UTC", "database_url": "sqlite:///data/world.sqlite"}
    write_yaml(config / "settings.yaml", settings | {"crawling": {"crawl_processes": 1}})
    elsewhere, another = tmp_path / "elsewhere", tmp_path / "another"
    elsewhere.mkdir()
    another.mkdir()

    crawl = run_mediamon("crawl", "--config", str(config), cwd=elsewhere)
    assert f"into sqlite:///{config}/data/world.sqlite" in crawl.stdout + crawl.stderr
    assert (config / "data" / "world.sqlite").is_file()
    found = run_mediamon("search", "belgorod", "--config", str(config), cwd=another)
    assert "belgorod" in found.stdout.lower()
    assert everything_under(elsewhere) == [] and everything_under(another) == []


def test_a_relative_database_url_on_the_command_line_is_relative_to_the_working_directory(
    config_dir: Path, tmp_path: Path
) -> None:
    workdir = tmp_path / "workdir"
    workdir.mkdir()
    args = ["--config", str(config_dir), "--database-url", "sqlite:///here.sqlite"]
    run_mediamon("retag", "--dry-run", *args, cwd=workdir)  # retag writes: it creates one
    assert (workdir / "here.sqlite").is_file()
    assert run_mediamon("status", *args, cwd=workdir).returncode == 0


def test_digest_on_a_missing_database_exits_non_zero_without_creating_it(tmp_path: Path) -> None:
    missing = tmp_path / "nonexistent" / "dir" / "x.sqlite"
    url = f"sqlite:///{missing}"
    result = run_mediamon(
        "digest", "--config", str(PROJECT_CONFIG), "--database-url", url, check=False
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        f"Error: no database at {url}: nothing was created; check --database-url, "
        "MEDIAMON_DATABASE_URL or database_url in settings.yaml (relative to the config "
        "directory), or collect articles first with `mediamon crawl`"
    ]
    assert not (tmp_path / "nonexistent").exists()


@pytest.mark.parametrize("command", list(READING_COMMANDS))
def test_reading_commands_refuse_a_missing_database_and_create_nothing(
    command: str, config_dir: Path, tmp_path: Path
) -> None:
    settings = {"timezone": "UTC", "database_url": "sqlite:///data/mediamon.sqlite"}
    write_yaml(config_dir / "settings.yaml", settings)
    workdir = tmp_path / "workdir"
    workdir.mkdir()
    before = everything_under(tmp_path)
    args = READING_COMMANDS[command]
    result = run_mediamon(*args, "--config", str(config_dir), check=False, cwd=workdir)
    assert result.returncode == 1, result.stdout
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"Error: no database at sqlite:///{config_dir}/data/mediamon.sqlite:")
    assert everything_under(tmp_path) == before


@pytest.mark.postgres
@pytest.mark.parametrize("command", ["status", "digest", "crawl", "run"])
def test_a_postgresql_database_that_refuses_the_connection_is_one_line_without_password(
    command: str,
) -> None:
    # The real server, asked for a database it does not have.
    server = make_url(POSTGRES_SERVER).set(password="s3cret-pw", database=MISSING)
    url = server.render_as_string(hide_password=False)
    result = run_mediamon(
        command, "--config", str(PROJECT_CONFIG), "--database-url", url, check=False
    )
    assert result.returncode == 1
    assert "s3cret-pw" not in result.stdout + result.stderr
    [line] = result.stderr.strip().splitlines()
    shown = server.render_as_string(hide_password=True)
    assert line.startswith(f"Error: cannot open the database {shown}: ")
    assert ":***@" in line and f'database "{MISSING}" does not exist' in line
