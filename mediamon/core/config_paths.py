"""Where the relative paths of the configuration point.

Paths in settings.yaml (the SQLite file of ``database_url``, ``logs_dir``, ``digest.output_dir``)
are relative to the config directory, so every command finds the same files from any working
directory (cron starts jobs in $HOME). A ``--database-url`` or ``MEDIAMON_DATABASE_URL`` given
to one command is relative to its working directory, as any path on a command line is.
Both are made absolute once, here, so child processes and messages see the same path.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import make_url
from sqlalchemy.exc import ArgumentError

from mediamon.core.dialects import dialect_for_url
from mediamon.core.settings_models import SettingsFile


def anchored_settings(
    settings: SettingsFile, config_dir: Path, database_override: str | None
) -> SettingsFile:
    """``settings`` with its paths made absolute: those of settings.yaml against ``config_dir``,
    ``database_override`` (from the command line or the environment) against the working
    directory."""
    base = config_dir.resolve()
    if database_override:
        database_url = anchored_url(database_override, Path.cwd())
    else:
        database_url = anchored_url(settings.database_url, base)
    digest = settings.digest.model_copy(
        update={"output_dir": str(anchored_path(settings.digest.output_dir, base))}
    )
    return settings.model_copy(
        update={
            "database_url": database_url,
            "logs_dir": str(anchored_path(settings.logs_dir, base)),
            "digest": digest,
        }
    )


def anchored_url(url: str, directory: Path) -> str:
    """``url`` with a relative database file path made absolute against ``directory``."""
    try:
        parsed = make_url(url)
        anchored = dialect_for_url(url).anchored(parsed, directory)
    except (ArgumentError, ValueError):
        return url  # not a database URL mediamon runs on: opening it says why
    return url if anchored is parsed else anchored.render_as_string(hide_password=False)


def anchored_path(path: str, directory: Path) -> Path:
    # normpath: the directory is resolved already, so "../logs" means its real parent
    return Path(os.path.normpath(directory / Path(path).expanduser()))
