"""`mediamon config check`: validate the configuration and list every problem at once."""

from __future__ import annotations

import click

from mediamon.cli.common import config_dir_option
from mediamon.core.config import ConfigError, load_config


@click.group()
def config() -> None:
    """Inspect and validate the configuration."""


@config.command("check")
@config_dir_option("Config directory to check")
def check(config_dir: str | None) -> None:
    """Validate outlets.yaml, topics.yaml and settings.yaml; exit 1 listing every problem."""
    try:
        loaded = load_config(config_dir)
    except ConfigError as exc:
        click.echo(str(exc), err=True)
        raise SystemExit(1) from exc
    click.echo(
        f"{loaded.directory}: OK: {len(loaded.outlets)} outlets, {len(loaded.topics)} topics, "
        f"database {loaded.settings.database_url}"
    )
