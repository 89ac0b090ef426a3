"""`mediamon outlets discover URL` against the outlet world: a ready-to-paste outlets.yaml entry."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from mediamon.cli import main
from mediamon.core.config_models import OutletModel
from mediamon.core.url_patterns import search
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


def discover(url: str, *options: str) -> tuple[dict[str, Any], str]:
    result = CliRunner().invoke(main, ["outlets", "discover", url, *options])
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


@pytest.mark.parametrize(
    ("encoding", "expected_id"),
    [("windows-1251", "vesti-agentstvo"), ("utf-8", "ukrainska-khvylia")],
    ids=["russian", "ukrainian"],
)
def test_a_cyrillic_name_becomes_a_latin_id(world: Any, encoding: str, expected_id: str) -> None:
    outlet = next(o for o in world.outlets if o.encoding == encoding and o.language != "en")
    entry, _ = discover(outlet.homepage_url)  # on 127.0.0.x, so the id comes from the name
    assert entry["id"] == expected_id
    OutletModel.model_validate(entry)


def test_the_id_is_unlike_those_already_in_outlets_yaml(world: Any, tmp_path: Path) -> None:
    config = world.write_config(tmp_path / "config")
    outlets = yaml.safe_load((config / "outlets.yaml").read_text(encoding="utf-8"))
    outlets["outlets"][0]["id"] = "vesti-agentstvo"
    outlets["outlets"][1]["id"] = "vesti-agentstvo-2"
    (config / "outlets.yaml").write_text(yaml.safe_dump(outlets), encoding="utf-8")
    vesti = next(o for o in world.outlets if o.encoding == "windows-1251")
    entry, _ = discover(vesti.homepage_url, "--config", str(config))
    assert entry["id"] == "vesti-agentstvo-3"


# The last outlet is left out: the test after this one replaces its homepage and feed.
@pytest.mark.parametrize("index", range(4))
def test_article_urls_matches_the_outlets_articles_and_none_of_its_listings(
    world: Any, index: int
) -> None:
    outlet = world.outlets[index]
    entry, output = discover(outlet.homepage_url)
    pattern = entry["article_urls"]
    OutletModel.model_validate(entry)  # config check accepts it (no nested repeat)
    assert [a.url for a in outlet.articles if not search(pattern, a.url)] == []
    listings = [outlet.base_url + path for path in listing_routes(outlet)]
    paged = [url + "/2" for url in listings if "/sections/" in url or "/archive/" in url]
    assert len(listings) > 5 and paged
    assert [url for url in listings + paged if search(pattern, url)] == []
    feed_links = len(outlet.latest(outlet.spec.feed_size))
    assert f"article_urls matches {feed_links} of the {feed_links} article links" in output


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
