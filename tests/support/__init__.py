"""What tests share besides fixtures: paths of the project, running the mediamon command."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PROJECT_CONFIG = REPO / "config"


def run_mediamon(
    *args: str,
    timeout: float = 240,
    check: bool = True,
    cwd: Path = REPO,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run the mediamon command in its own process, as a user would (in ``cwd``), with ``env``
    added to the environment."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEDIAMON_")} | (env or {})
    result = subprocess.run(
        [sys.executable, "-m", "mediamon", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        cwd=cwd,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"mediamon {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


POSTGRES_SERVER = os.environ.get("MEDIAMON_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432")


@contextlib.contextmanager
def temporary_postgres_database(template: str | None = None) -> Iterator[str]:
    """A new database on the test PostgreSQL server (a copy of ``template``), dropped afterwards.

    A server that does not answer fails the test: CI requires PostgreSQL, it never skips it.
    """
    import psycopg

    name = f"mediamon_test_{uuid.uuid4().hex[:12]}"
    try:
        admin = psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        raise AssertionError(
            f"PostgreSQL is required at {POSTGRES_SERVER} (set MEDIAMON_TEST_POSTGRES): {exc}"
        ) from exc
    with admin:
        copy_of = f' TEMPLATE "{template}"' if template else ""
        admin.execute(f'CREATE DATABASE "{name}"{copy_of}')
        try:
            yield f"{POSTGRES_SERVER}/{name}"
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
