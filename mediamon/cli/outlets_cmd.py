"""`mediamon outlets discover URL`: suggest the outlets.yaml entry of a new outlet."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click
import yaml

from mediamon.cli.common import config_dir_option
from mediamon.core.config import Config, ConfigError, load_config
from mediamon.core.config_models import SettingsFile

if TYPE_CHECKING:
    from mediamon.crawl.discover import Suggestion


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
    The id is the host or, for an IP address, the name, in Latin letters and unlike the ids in
    outlets.yaml; article_urls is the shape of the feed's article links.
    """
    from mediamon.crawl.discover import DiscoveryError, Fetcher, discover

    config = config_for_fetching(config_dir)
    settings = config.settings if config else SettingsFile.model_validate({})
    taken_ids = {outlet.id for outlet in config.outlets} if config else set()
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
    click.echo("# paste under 'outlets:' in outlets.yaml; check id, article_urls and languages")
    click.echo(f"# {article_urls_note(suggestion)}")
    entry = suggestion.outlet_entry(taken_ids)
    click.echo(yaml.safe_dump([entry], allow_unicode=True, sort_keys=False), nl=False)


def article_urls_note(suggestion: Suggestion) -> str:
    found = suggestion.article_urls
    if found is None:
        return "article_urls: no pattern found in the feeds' links; write one by hand"
    return f"article_urls matches {found.matched} of the {found.links} article links in the feeds"


def config_for_fetching(config_dir: str | None) -> Config | None:
    """The config (its settings give the User-Agent, timeout and size cap; its outlets the ids
    already taken), or None: discovery works without one."""
    try:
        return load_config(config_dir)
    except ConfigError:
        return None
