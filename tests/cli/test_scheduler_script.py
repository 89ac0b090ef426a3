"""`python scheduler.py`, the scheduler's entry point: its help names it as it is run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import REPO


def scheduler_py(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEDIAMON_")}
    return subprocess.run(
        [sys.executable, "scheduler.py", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
        env=env,
    )


@pytest.mark.parametrize("help_option", ["--help", "-h"])
def test_help_shows_the_usage_of_scheduler_py_itself(help_option: str) -> None:
    result = scheduler_py(help_option)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "Usage: scheduler.py [OPTIONS]"
    assert "--config" in result.stdout and "--database-url" in result.stdout


def test_it_runs_the_scheduler_command_and_reports_a_bad_config_in_one_line(
    tmp_path: Path,
) -> None:
    result = scheduler_py("--config", str(tmp_path / "missing"))
    assert result.returncode == 1
    assert "missing: not a directory; pass --config DIR" in result.stderr
    assert "Traceback" not in result.stderr
