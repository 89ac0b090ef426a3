"""Another git revision of a package, measured side by side with the working tree: the package
unpacked from git, and the benchmark's own ``--measure`` run in a process that imports it first."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
from io import BytesIO
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]


def package_at(revision: str, package: str, directory: Path) -> Path:
    """Unpack ``package`` as it is at git ``revision`` into ``directory``; return ``directory``."""
    archive = subprocess.run(
        ["git", "archive", "--format=tar", revision, package],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(directory, filter="data")
    return directory


def measured(script: str, argument: str, import_first: Path) -> dict[str, Any]:
    """The JSON object on the last line ``script --measure argument`` prints, run in a process
    that imports from ``import_first`` (also its working directory) before the repository."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEDIAMON_")}
    env["PYTHONPATH"] = os.pathsep.join([str(import_first), str(REPO)])
    result = subprocess.run(
        [sys.executable, script, "--measure", argument],
        capture_output=True,
        text=True,
        env=env,
        cwd=import_first,
        check=True,
    )
    figures: dict[str, Any] = json.loads(result.stdout.splitlines()[-1])
    return figures
