"""`mediamon outlets discover URL` against the outlet world: a ready-to-paste outlets.yaml entry."""

from __future__ import annotations

from typing import Any

import yaml
from click.testing import CliRunner

from mediamon.cli import main
from mediamon.core.config_models import OutletModel
from mediamon.world.server import Resource
from mediamon.world.site import listing_routes

BARE_HOMEPAGE = (
    b'<!DOCTYPE html><html lang="ru-RU"><head><title>Bare | Home</title></head>'
    b"<body><p>No feed links here.</p></body></html>"
)
ROBOTS_WITHOUT_SITEMAPS = b"User-agent: *\nDisallow: /feed\n"
EMPTY_SITEMAP = (
    b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"/>'
)


def discover(url: str) -> tuple[dict[str, Any], str]:
    result = CliRunner().invoke(main, ["outlets", "discover", url])
    assert result.exit_code == 0, result.output
    entries = yaml.safe_load(result.stdout)
    assert len(entries) == 1
    return entries[0], result.output


def test_suggests_the_linked_feeds_and_robots_sitemaps(world: Any) -> None:
    outlet = world.outlets[0]
    entry, _ = discover(outlet.homepage_url)
    assert entry["name"] == outlet.name
    assert entry["homepage"] == outlet.homepage_url
    assert entry["languages"] == [outlet.language]
    assert entry["feeds"] == outlet.feed_urls
    assert entry["sitemaps"] == [outlet.base_url + "/sitemap_index.xml"]
    OutletModel.model_validate(entry)


def test_cyrillic_outlet_gets_its_name_and_language(world: Any) -> None:
    outlet = next(o for o in world.outlets if o.encoding == "windows-1251")
    entry, _ = discover(outlet.homepage_url)
    assert (entry["name"], entry["languages"], entry["feeds"]) == (
        outlet.name,
        [outlet.language],
        outlet.feed_urls,
    )


def test_common_paths_are_probed_only_without_links_and_robots_is_obeyed(world: Any) -> None:
    outlet = world.outlets[-1]
    real_feed = listing_routes(outlet)[outlet.spec.feeds[0].path]
    world.site(outlet.id).update_routes(
        {
            "/": Resource(BARE_HOMEPAGE, "text/html; charset=utf-8"),
            "/robots.txt": Resource(ROBOTS_WITHOUT_SITEMAPS, "text/plain"),
            "/rss": real_feed,
            "/feed": real_feed,
            "/sitemap.xml": Resource(EMPTY_SITEMAP, "application/xml"),
        }
    )
    world.clear_requests()
    entry, _ = discover(outlet.homepage_url)
    assert entry["name"] == "Bare"
    assert entry["languages"] == ["ru"]
    assert entry["feeds"] == [outlet.base_url + "/rss"]
    assert entry["sitemaps"] == [outlet.base_url + "/sitemap.xml"]
    assert "/feed" not in {r.path for r in world.requests}, "robots.txt disallows /feed"


def test_an_unreachable_homepage_is_a_clear_error() -> None:
    result = CliRunner().invoke(main, ["outlets", "discover", "http://127.0.0.1:9/"])
    assert result.exit_code == 1
    assert "could not fetch http://127.0.0.1:9/" in result.output
