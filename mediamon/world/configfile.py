"""Write a mediamon config directory that crawls the outlet world."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from mediamon.world.discovery import ARCHIVE_TEMPLATE, SITEMAP_INDEX
from mediamon.world.publish import Outlet

DEFAULT_TOPICS: dict[str, Any] = {
    "topics": [
        {
            "id": "belgorod-incursion",
            "name": "Belgorod incursion (May 2023)",
            "languages": ["en", "ru", "uk"],
            "query": "belgorod OR белгород* OR бєлгород*",
        }
    ]
}
DEFAULT_SETTINGS: dict[str, Any] = {"timezone": "UTC"}
CRAWL_DEFAULTS: dict[str, Any] = {"download_delay": 0, "concurrency": 8}


def outlets_document(outlets: Sequence[Outlet], discovery: bool = False) -> dict[str, Any]:
    """The outlets.yaml content for ``outlets``, in the schema of mediamon.core.config_models."""
    entries = [_outlet_entry(o) | (_discovery_entry(o) if discovery else {}) for o in outlets]
    return {"defaults": dict(CRAWL_DEFAULTS), "outlets": entries}


def _discovery_entry(outlet: Outlet) -> dict[str, Any]:
    return {
        "sitemaps": [outlet.base_url + SITEMAP_INDEX],
        "sections": [outlet.base_url + "/sections/news"],
        "archives": [outlet.base_url + ARCHIVE_TEMPLATE],
    }


def write_config(
    outlets: Sequence[Outlet],
    directory: Path,
    topics_file: Path | None = None,
    settings_file: Path | None = None,
    database_url: str | None = None,
    discovery: bool = False,
) -> Path:
    """Write outlets.yaml, topics.yaml and settings.yaml into ``directory``; return it.

    ``topics_file``/``settings_file`` are copied when given; otherwise minimal valid files are
    written. ``database_url`` sets the database in a generated settings.yaml. ``discovery`` adds
    each outlet's sitemap index, news section and daily archive beside its feeds.
    """
    directory.mkdir(parents=True, exist_ok=True)
    _dump(directory / "outlets.yaml", outlets_document(outlets, discovery))
    _copy_or_dump(topics_file, directory / "topics.yaml", DEFAULT_TOPICS)
    settings = dict(DEFAULT_SETTINGS)
    if database_url is not None:
        settings["database_url"] = database_url
    _copy_or_dump(settings_file, directory / "settings.yaml", settings)
    return directory


def _outlet_entry(outlet: Outlet) -> dict[str, Any]:
    return {
        "id": outlet.id,
        "name": outlet.name,
        "homepage": outlet.homepage_url,
        "languages": [outlet.language],
        "labels": list(outlet.labels),
        "feeds": outlet.feed_urls,
        "article_urls": outlet.spec.article_pattern,
    }


def _copy_or_dump(source: Path | None, target: Path, default: dict[str, Any]) -> None:
    if source is None:
        _dump(target, default)
    elif source.resolve() != target.resolve():
        shutil.copyfile(source, target)


def _dump(path: Path, document: dict[str, Any]) -> None:
    text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100)
    path.write_text(text, encoding="utf-8")
