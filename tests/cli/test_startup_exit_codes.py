"""Every long-running command that cannot start (an invalid config, a database that does not
answer) exits 1 (ExitCode.FAILED) with an error line, never a traceback: `run` included, whose
scheduler would otherwise fail later, inside its loop."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mediamon.core.exit_codes import ExitCode
from tests.support import PROJECT_CONFIG, run_mediamon

COMMANDS = [
    ("crawl",),
    ("backfill", "--since", "2023-05-22", "--until", "2023-05-23"),
    ("worker", "--idle-exit", "1"),
    ("digest",),
    ("run",),
]


@pytest.fixture
def invalid_config(tmp_path: Path) -> Path:
    config = tmp_path / "config"
    shutil.copytree(PROJECT_CONFIG, config)
    outlets = config / "outlets.yaml"
    outlets.write_text(outlets.read_text(encoding="utf-8") + "\nsurprise: 1\n", encoding="utf-8")
    return config


@pytest.mark.parametrize("command", COMMANDS, ids=lambda command: command[0])
def test_an_invalid_config_exits_1_with_an_error_line(
    command: tuple[str, ...], invalid_config: Path, tmp_path: Path
) -> None:
    database = f"sqlite:///{tmp_path}/m.sqlite"
    result = run_mediamon(
        *command, "--config", str(invalid_config), "--database-url", database, check=False
    )
    assert result.returncode == ExitCode.FAILED, result.stderr
    assert result.stderr.startswith("Error: "), result.stderr
    assert "surprise" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("command", COMMANDS, ids=lambda command: command[0])
def test_a_database_that_does_not_answer_exits_1_with_one_line(
    command: tuple[str, ...],
) -> None:
    url = "postgresql://postgres@127.0.0.1:1/mediamon"
    result = run_mediamon(
        *command, "--config", str(PROJECT_CONFIG), "--database-url", url, check=False
    )
    assert result.returncode == ExitCode.FAILED, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: cannot open the database"), lines
