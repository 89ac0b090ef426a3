"""`mediamon outlets discover URL`: suggest the outlets.yaml entry of a new outlet."""

from __future__ import annotations

import click
import yaml

from mediamon.cli.common import config_dir_option
from mediamon.core.config import ConfigError, load_config
from mediamon.core.config_models import SettingsFile


@click.group()
def outlets() -> None:
    """Work with the outlets to watch (config/outlets.yaml)."""


@outlets.command()
@click.argument("url")
@config_dir_option(
    "Config directory whose settings.yaml gives the User-Agent, timeout and size cap "
    "(built-in defaults if there is none)"
)
def discover(url: str, config_dir: str | None) -> None:
    """Suggest the feeds and sitemaps of the outlet at URL (its homepage), as an outlets.yaml entry.

    Reads robots.txt (its Sitemap: lines; and it is obeyed) and the homepage (<title>, <html
    lang>, <link rel="alternate"> feeds). Common feed paths (/rss, /feed, ...) are tried only if
    the page links no feed; /sitemap.xml and /sitemap_news.xml only if robots.txt names none.
    """
    from mediamon.crawl.discover import DiscoveryError, Fetcher, discover

    settings = settings_for_fetching(config_dir)
    fetcher = Fetcher(
        settings.full_user_agent,
        settings.crawling.timeout_seconds,
        int(settings.crawling.max_response_mb * 1024 * 1024),
    )
    try:
        suggestion = discover(url, fetcher)
    except DiscoveryError as exc:
        raise click.ClickException(str(exc)) from exc
    if not suggestion.feeds:
        click.echo("# no feed found: consider sections and article_urls instead", err=True)
    click.echo("# paste under 'outlets:' in outlets.yaml; check article_urls and languages")
    entry = yaml.safe_dump([suggestion.outlet_entry()], allow_unicode=True, sort_keys=False)
    click.echo(entry, nl=False)


def settings_for_fetching(config_dir: str | None) -> SettingsFile:
    try:
        return load_config(config_dir).settings
    except ConfigError:
        return SettingsFile.model_validate({})
