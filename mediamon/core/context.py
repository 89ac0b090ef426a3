"""One place that turns a config directory and a database URL into ready objects.

Commands, spiders and pipelines all get their Config and Engine from here, so configuration is
validated once and the database is migrated once per process.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import Engine, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from mediamon.core.config import Config, load_config
from mediamon.core.db import open_database
from mediamon.core.db_errors import unwritable_reason
from mediamon.core.dialects import dialect_for_url
from mediamon.core.names import CONFIG_SETTING, DATABASE_SETTING, DATABASE_URL_ENV


@dataclass(frozen=True)
class Context:
    config: Config
    engine: Engine


class DatabaseUnavailable(Exception):
    """The database could not be opened or migrated, or does not exist where it must; the
    message is one line naming its URL (without a password) and the cause."""


@cache
def get_context(
    config_dir: str | None, database_url: str | None, existing: bool = False
) -> Context:
    """The validated config and an engine on the migrated database (cached per process).

    ``existing``: the command only reads, so a database that does not exist is an error
    (nothing is created) rather than a new empty one.
    """
    config = load_config(config_dir, database_url)
    url = config.settings.database_url
    if existing:
        require_existing(url)
    context = Context(config, open_engine(url))
    _BY_RESOLVED.setdefault((str(config.directory), url), context)
    return context


# Each context by the config directory and database URL it resolved to: the ones a crawl's
# settings carry (mediamon.crawl.plan), whatever form the command was given them in.
_BY_RESOLVED: dict[tuple[str, str], Context] = {}


def open_engine(url: str) -> Engine:
    """An engine on the migrated database at ``url``, or :class:`DatabaseUnavailable`."""
    try:
        return open_database(url)
    except (SQLAlchemyError, ValueError) as exc:  # ValueError: an engine mediamon lacks
        raise DatabaseUnavailable(
            f"cannot open the database {safe_url(url)}: {cause(exc)}"
        ) from exc


def require_existing(url: str) -> None:
    """:class:`DatabaseUnavailable` unless the database at ``url`` exists."""
    try:
        exists = dialect_for_url(url).exists(make_url(url))
    except (ArgumentError, ValueError):
        return  # not a URL of a database mediamon runs on: opening it says so
    if not exists:
        raise DatabaseUnavailable(
            f"no database at {safe_url(url)}: nothing was created; check --database-url, "
            f"{DATABASE_URL_ENV} or database_url in settings.yaml (relative to the config "
            "directory), or collect articles first with `mediamon crawl`"
        )


def safe_url(url: str) -> str:
    """``url`` as it may be shown: its password masked."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def cause(error: Exception) -> str:
    """What went wrong, in one line: why the database refuses writes, or the driver's words."""
    reason = unwritable_reason(error)
    if reason is not None:
        return reason
    words = str(getattr(error, "orig", None) or error).strip()
    return words.splitlines()[0] if words else type(error).__name__


def context_from_settings(settings: Any) -> Context:
    """The context a crawl was started with, from its Scrapy settings: in the process that
    started it, the same one (the config is not read again, the database not checked again)."""
    config_dir, url = settings.get(CONFIG_SETTING), settings.get(DATABASE_SETTING)
    return _BY_RESOLVED.get((config_dir, url)) or get_context(config_dir, url)
