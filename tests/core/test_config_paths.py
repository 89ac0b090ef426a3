"""Relative paths in settings.yaml are relative to the config directory, whatever the working
directory, and stay so for the scheduler's private copies of the config."""

from __future__ import annotations

from pathlib import Path

import pytest

from mediamon.core.config import load_config
from mediamon.ops.reload import load_snapshot
from tests.support.scheduler import fake_outlets, write_config

SETTINGS = {
    "database_url": "sqlite:///../data/mm.sqlite?timeout=5",
    "logs_dir": "logs",
    "digest": {"output_dir": "out/digests"},
}


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    monkeypatch.delenv("MEDIAMON_DATABASE_URL", raising=False)
    return write_config(tmp_path / "site" / "config", fake_outlets({"a": "* * * * *"}), SETTINGS)


def test_settings_paths_are_relative_to_the_config_directory(config: Path) -> None:
    settings = load_config(config).settings
    site = config.parent
    assert settings.database_url == f"sqlite:///{site}/data/mm.sqlite?timeout=5"
    assert settings.logs_dir == str(config / "logs")
    assert settings.digest.output_dir == str(config / "out" / "digests")


def test_a_relative_config_directory_is_resolved_first(config: Path) -> None:
    relative = Path("..") / "site" / "config"
    assert load_config(relative).settings.logs_dir == str(config / "logs")


def test_absolute_and_postgresql_urls_are_left_as_they_are(config: Path) -> None:
    for url in ("sqlite:////srv/mm.sqlite", "postgresql://u:p@db/mm", "sqlite://"):
        assert load_config(config, url).settings.database_url == url


def test_the_schedulers_snapshot_keeps_paths_relative_to_the_edited_directory(
    config: Path, tmp_path: Path
) -> None:
    snapshots = tmp_path / "snapshots"
    snapshots.mkdir()
    snapshot = load_snapshot(config, None, snapshots)
    assert snapshot.directory.parent == snapshots
    assert snapshot.settings.logs_dir == str(config / "logs")
    assert snapshot.settings.database_url == f"sqlite:///{config.parent}/data/mm.sqlite?timeout=5"
