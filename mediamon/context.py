"""One place that turns a config directory and a database URL into ready objects.

Commands, spiders and pipelines all get their Config and Engine from here, so configuration is
validated once and the database is migrated once per process.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import Engine

from mediamon.config import Config, load_config
from mediamon.db import open_database

CONFIG_SETTING = "MEDIAMON_CONFIG_DIR"
DATABASE_SETTING = "MEDIAMON_DATABASE_URL"


@dataclass(frozen=True)
class Context:
    config: Config
    engine: Engine


@cache
def get_context(config_dir: str | None, database_url: str | None) -> Context:
    """The validated config and an engine on the migrated database (cached per process)."""
    config = load_config(config_dir, database_url)
    return Context(config, open_database(config.settings.database_url))


def context_from_settings(settings: Any) -> Context:
    """The context a crawl was started with, from its Scrapy settings."""
    return get_context(settings.get(CONFIG_SETTING), settings.get(DATABASE_SETTING))
