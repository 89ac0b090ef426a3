"""Picking up config changes while the scheduler runs: on SIGHUP, or when the files change.

A new configuration is validated before anything uses it. Each accepted version is copied into a
private snapshot directory and crawls are started against that copy, so a file edited into a
broken state never reaches a crawl: the running configuration stays until a valid one replaces it.
"""

from __future__ import annotations

import dataclasses
import logging
import shutil
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

from mediamon.core.config import FILES, OPTIONAL_FILES, Config, ConfigError, load_config

logger = logging.getLogger(__name__)

Fingerprint = tuple[tuple[int, int] | None, ...]


def load_snapshot(source_dir: Path, database_url: str | None, parent: Path) -> Config:
    """Copy the config files into a new directory under ``parent`` and load them from there;
    relative paths in settings.yaml stay relative to ``source_dir``."""
    snapshot = Path(tempfile.mkdtemp(prefix="config-", dir=parent))
    for name in (*FILES, *OPTIONAL_FILES):
        if (source_dir / name).is_file():
            shutil.copyfile(source_dir / name, snapshot / name)
    try:
        return load_config(snapshot, database_url, paths_relative_to=source_dir)
    except ConfigError as exc:
        shutil.rmtree(snapshot, ignore_errors=True)
        # Name the files the user edits, not their copies.
        problems = [
            dataclasses.replace(problem, file=problem.file.replace(str(snapshot), str(source_dir)))
            for problem in exc.problems
        ]
        raise ConfigError(problems) from None


def fingerprint(directory: Path) -> Fingerprint:
    """What changes when a config file is edited, replaced or removed."""
    stats: list[tuple[int, int] | None] = []
    for name in (*FILES, *OPTIONAL_FILES):
        try:
            stat = (directory / name).stat()
        except FileNotFoundError:
            stats.append(None)
        else:
            stats.append((stat.st_mtime_ns, stat.st_size))
    return tuple(stats)


class ConfigWatcher:
    """Reloads the configuration when asked or when its files change, and hands a valid new one
    to ``apply``. A background thread polls every ``scheduler.reload_interval`` seconds."""

    def __init__(self, source_dir: Path, database_url: str | None) -> None:
        self.source_dir = source_dir
        self.database_url = database_url
        self.apply: Callable[[Config], None] = lambda config: None
        self._snapshots = Path(tempfile.mkdtemp(prefix="mediamon-run-"))
        self._wake = threading.Event()
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._poll, name="config-watcher", daemon=True)
        self._seen = fingerprint(source_dir)
        self.current = load_snapshot(source_dir, database_url, self._snapshots)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)
        shutil.rmtree(self._snapshots, ignore_errors=True)

    def request_reload(self) -> None:
        """Reload at once (what SIGHUP does); safe to call from a signal handler."""
        self._wake.set()

    def _poll(self) -> None:
        while not self._stopped.is_set():
            self._wake.wait(self.current.settings.scheduler.reload_interval)
            requested = self._wake.is_set()
            self._wake.clear()
            if self._stopped.is_set():
                return
            changed = fingerprint(self.source_dir) != self._seen
            if requested or changed:
                self.reload()

    def reload(self) -> bool:
        """Validate the files and apply them if they differ; False when they are invalid."""
        self._seen = fingerprint(self.source_dir)
        try:
            config = load_snapshot(self.source_dir, self.database_url, self._snapshots)
        except ConfigError as exc:
            logger.error("configuration not reloaded; keeping the running one. %s", exc)
            return False
        if dataclasses.replace(config, directory=self.current.directory) == self.current:
            logger.info("configuration in %s unchanged", self.source_dir)
            return True
        self._warn_about_restart_settings(config)
        self.current = config
        self.apply(config)
        logger.info("configuration reloaded from %s", self.source_dir)
        return True

    def _warn_about_restart_settings(self, config: Config) -> None:
        old, new = self.current.settings, config.settings
        if old.database_url != new.database_url:
            logger.warning(
                "database_url changed; the scheduler keeps %s until restarted", old.database_url
            )
        if old.scheduler.max_parallel_jobs != new.scheduler.max_parallel_jobs:
            logger.warning("scheduler.max_parallel_jobs changes only after a restart")
