"""End to end: crawl the local outlet world with real Scrapy processes into a real SQLite file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from mediamon.core.db import open_database
from mediamon.core.models import ArticleRow, ArticleTopic, Feed, Run
from tests.support import PROJECT_CONFIG, run_mediamon

SEED_APPEAL = ("Dear readers", "Remind me later", "Sign up for our free weekly newsletter")


@dataclass
class TwoCrawls:
    engine: Engine
    first_output: str
    second_output: str
    first_requests: list[Any]
    second_requests: list[Any]
    stored_after_first: int


@pytest.fixture(scope="module")
def crawls(world: Any, tmp_path_factory: pytest.TempPathFactory) -> TwoCrawls:
    workdir: Path = tmp_path_factory.mktemp("e2e")
    config = world.write_config(workdir / "config", PROJECT_CONFIG / "topics.yaml")
    crawl = ("crawl", "--config", str(config), "--database-url", f"sqlite:///{workdir}/m.sqlite")
    world.clear_requests()
    first = run_mediamon(*crawl)
    first_requests = list(world.requests)
    engine = open_database(f"sqlite:///{workdir}/m.sqlite")
    stored_after_first = count_articles(engine)
    world.clear_requests()
    second = run_mediamon(*crawl)
    second_requests = list(world.requests)
    return TwoCrawls(
        engine, first.stdout, second.stdout, first_requests, second_requests, stored_after_first
    )


def count_articles(engine: Engine) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(ArticleRow)) or 0


def stored(engine: Engine) -> dict[str, ArticleRow]:
    with Session(engine) as session:
        return {row.url: row for row in session.scalars(select(ArticleRow))}


def topics_by_url(engine: Engine) -> dict[str, set[str]]:
    query = select(ArticleRow.url, ArticleTopic.topic_id).join(
        ArticleTopic, ArticleTopic.article_id == ArticleRow.id
    )
    result: dict[str, set[str]] = {}
    with Session(engine) as session:
        for url, topic in session.execute(query):
            result.setdefault(url, set()).add(topic)
    return result


def test_every_article_the_feeds_list_is_stored(crawls: TwoCrawls, world: Any) -> None:
    listed = {a.url for a in world.articles}
    rows = stored(crawls.engine)
    assert set(rows) == listed
    assert f"{len(listed)} new articles stored" in crawls.first_output


def test_belgorod_coverage_is_tagged_in_at_least_three_outlets(
    crawls: TwoCrawls, world: Any
) -> None:
    tagged = topics_by_url(crawls.engine)
    belgorod = [a for a in world.articles if a.about_belgorod]
    assert {a.url for a in belgorod} == {u for u, t in tagged.items() if "belgorod-incursion" in t}
    assert len({a.outlet_id for a in belgorod}) >= 3
    assert {a.language for a in belgorod} >= {"en", "ru", "uk"}


def test_unrelated_stories_do_not_carry_the_topic(crawls: TwoCrawls, world: Any) -> None:
    tagged = topics_by_url(crawls.engine)
    unrelated = [a for a in world.articles if not a.about_belgorod]
    assert unrelated
    assert not [a.url for a in unrelated if "belgorod-incursion" in tagged.get(a.url, set())]


def test_no_stored_text_keeps_appeals_or_page_chrome(crawls: TwoCrawls, world: Any) -> None:
    rows = stored(crawls.engine)
    assert world.articles
    for article in world.articles:
        text = rows[article.url].text
        leaked = [s for s in (*SEED_APPEAL, *article.boilerplate) if s in text]
        assert not leaked, f"{article.url} kept {leaked}"


def test_every_body_paragraph_is_kept(crawls: TwoCrawls, world: Any) -> None:
    rows = stored(crawls.engine)
    assert world.articles
    for article in world.articles:
        missing = [p for p in article.body if p not in rows[article.url].text]
        assert not missing, f"{article.url} lost {missing}"
        assert rows[article.url].title == article.title


def test_windows_1251_article_is_stored_as_correct_cyrillic(crawls: TwoCrawls, world: Any) -> None:
    cp1251 = [a for a in world.articles if a.encoding == "windows-1251"]
    assert cp1251
    rows = stored(crawls.engine)
    for article in cp1251:
        assert article.body[0] in rows[article.url].text
        assert rows[article.url].title == article.title
        assert rows[article.url].encoding.replace("cp", "windows-") == "windows-1251"


def test_second_crawl_stores_nothing_new(crawls: TwoCrawls) -> None:
    assert count_articles(crawls.engine) == crawls.stored_after_first
    assert "0 new articles stored" in crawls.second_output


def test_second_crawl_gets_304_for_every_feed(crawls: TwoCrawls, world: Any) -> None:
    feed_urls = {url for outlet in world.outlets for url in outlet.feed_urls}
    feed_hits = [r for r in crawls.second_requests if r.url in feed_urls]
    assert {r.url for r in feed_hits} == feed_urls
    assert {r.status for r in feed_hits} == {304}
    with Session(crawls.engine) as session:
        feeds = list(session.scalars(select(Feed)))
    assert {f.url for f in feeds} == feed_urls
    assert feeds and all(f.etag or f.last_modified for f in feeds)


def test_no_stored_article_page_is_requested_again(crawls: TwoCrawls, world: Any) -> None:
    article_urls = {a.url for a in world.articles}
    first = [r.url for r in crawls.first_requests if r.url in article_urls]
    assert sorted(first) == sorted(article_urls), "each article fetched exactly once"
    assert not [r.url for r in crawls.second_requests if r.url in article_urls]


def test_each_crawl_is_recorded_as_a_run(crawls: TwoCrawls) -> None:
    with Session(crawls.engine) as session:
        runs = list(session.scalars(select(Run).order_by(Run.id)))
    assert [r.outcome for r in runs] == ["ok", "ok"]
    assert runs[0].counts["mediamon/store/stored"] == crawls.stored_after_first
    assert "mediamon/store/stored" not in runs[1].counts


def test_a_crawl_serves_no_remote_control_and_writes_nothing_into_the_users_profile(
    world: Any, tmp_path: Path
) -> None:
    # Scrapy's remote control runs the Python code posted to its port; enabled, it writes its
    # port and token under the user's state directory while the crawl runs.
    profile = tmp_path / "state"
    config = world.write_config(tmp_path / "config")
    database = f"sqlite:///{tmp_path}/m.sqlite"
    crawl = ("crawl", "--spider", "feeds", "--config", str(config), "--database-url", database)
    result = run_mediamon(*crawl, env={"XDG_STATE_HOME": str(profile)})
    assert "new articles stored" in result.stdout
    assert not profile.exists(), sorted(profile.rglob("*"))
