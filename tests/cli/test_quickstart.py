"""The README's quickstart: exactly two commands, and the first one works on a fresh clone."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from tests.support import REPO

CODE_BLOCK = re.compile(r"```\n(.*?)```", re.S)


def quickstart_commands() -> list[str]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    return [block.strip() for block in CODE_BLOCK.findall(section)]


def test_quickstart_is_two_one_line_commands() -> None:
    commands = quickstart_commands()
    assert len(commands) == 2
    assert all("\n" not in command for command in commands)
    assert commands[0].endswith("mediamon demo")
    assert commands[1].endswith("pytest")


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert quickstart_commands()[1] in ci.splitlines()


@pytest.mark.e2e
@pytest.mark.timeout(900)
def test_demo_runs_from_a_fresh_clone_as_the_readme_says(tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(REPO), str(clone)], check=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MEDIAMON_", "VIRTUAL_ENV"))}
    result = subprocess.run(
        quickstart_commands()[0],
        shell=True,
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        timeout=840,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    digest = Path(re.search(r"^digest:\s+(\S+)$", result.stdout, re.M).group(1))  # type: ignore[union-attr]
    text = digest.read_text(encoding="utf-8")
    assert "## Belgorod incursion (May 2023)" in text
    assert "Dear readers" not in text
