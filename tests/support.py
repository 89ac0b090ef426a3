"""What tests share besides fixtures: paths of the project, running the mediamon command."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PROJECT_CONFIG = REPO / "config"


def run_mediamon(
    *args: str, timeout: float = 240, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run the mediamon command in its own process, as a user would."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEDIAMON_")}
    result = subprocess.run(
        [sys.executable, "-m", "mediamon", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        cwd=REPO,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"mediamon {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result
