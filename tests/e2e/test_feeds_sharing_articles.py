"""Feeds of one outlet listing the same articles: every one of them is answered 304 next time."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from mediamon.world import OutletWorld
from tests.support import run_mediamon


def test_every_feed_is_validated_when_feeds_share_their_articles(tmp_path: Path) -> None:
    # Four feeds per outlet list the same twelve articles: a later feed often lists an article
    # already fetched but still in a store batch, whose repeated request Scrapy drops.
    with OutletWorld.generated(40, 12, feeds_per_outlet=4) as world:
        database = f"sqlite:///{tmp_path / 'mediamon.sqlite'}"
        config = world.write_config(tmp_path / "config", database_url=database)
        crawl = ("crawl", "--config", str(config), "--spider", "feeds")
        run_mediamon(*crawl)
        world.clear_requests()
        run_mediamon(*crawl)
        feed_answers = Counter(r.status for r in world.requests if r.path.startswith("/feeds/"))
    assert feed_answers == Counter({304: 160})
