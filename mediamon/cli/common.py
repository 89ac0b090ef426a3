"""What every command shares: --config and --database-url, and turning problems into messages."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import click

from mediamon.config import CONFIG_ENV, DATABASE_URL_ENV, ConfigError
from mediamon.context import Context, get_context

F = TypeVar("F", bound=Callable[..., Any])


def config_options(command: F) -> F:
    """Add --config and --database-url to a command and pass it a loaded ``Context`` as ``ctx``."""

    @click.option(
        "--config",
        "config_dir",
        envvar=CONFIG_ENV,
        type=click.Path(file_okay=False),
        help=f"Config directory holding outlets.yaml, topics.yaml, settings.yaml "
        f"[env {CONFIG_ENV}; default ./config].",
    )
    @click.option(
        "--database-url",
        envvar=DATABASE_URL_ENV,
        help=f"Database URL, overriding settings.yaml [env {DATABASE_URL_ENV}], "
        "e.g. sqlite:///mediamon.sqlite or postgresql://postgres@127.0.0.1/mediamon.",
    )
    @functools.wraps(command)
    def wrapper(*args: Any, config_dir: str | None, database_url: str | None, **kwargs: Any) -> Any:
        kwargs["ctx"] = load_context(config_dir, database_url)
        return command(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def load_context(config_dir: str | None, database_url: str | None) -> Context:
    """The context, or a clean exit listing every config problem."""
    try:
        return get_context(config_dir, database_url)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc
