"""`mediamon search`, `mediamon topics test` and `mediamon retag` on SQLite and PostgreSQL."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from mediamon.cli import main
from mediamon.core.db import open_database
from mediamon.core.models import ArticleRow, ArticleTopic
from mediamon.store.saving import store_article
from mediamon.store.search import has_fts
from tests.support.articles import make_article

ARTICLES = {
    "https://mm.example/raid": (
        "moscowmonitor",
        "en",
        datetime(2023, 5, 22, 15, 0, tzinfo=UTC),
        "Armed group crosses into Belgorod region",
        "Saboteurs crossed the border into the Graivoron district on Monday. The incursions "
        "forced an evacuation of border villages, the governor said.",
    ),
    "https://vesti.example/diversanty": (
        "vestiagency",
        "ru",
        datetime(2023, 5, 23, 10, 0, tzinfo=UTC),
        "Диверсанты в Белгородской области уничтожены",
        "Минобороны сообщило, что вторжение в Белгородскую область отражено, а диверсионные "
        "группы уничтожены.",
    ),
    "https://khvylia.example/kto": (
        "khvylia",
        "uk",
        datetime(2023, 5, 22, 18, 0, tzinfo=UTC),
        "На Бєлгородщині оголосили режим КТО",
        "Російський добровольчий корпус заявив про рейд на Бєлгородщині.",
    ),
    "https://mm.example/budget": (
        "moscowmonitor",
        "en",
        datetime(2023, 5, 12, 8, 0, tzinfo=UTC),
        "Russia's budget deficit widens",
        "Oil and gas revenue fell by more than half while drones and shells cost more.",
    ),
}


@pytest.fixture
def archive_url(database_url: str) -> str:
    """A database of each kind holding ARTICLES."""
    url = database_url
    engine = open_database(url)
    for address, (outlet, language, published, title, text) in ARTICLES.items():
        item = make_article(
            address, text, title=title, outlet_id=outlet, language=language, published=published
        )
        store_article(engine, item)
    engine.dispose()
    return url


def mediamon(config_dir: Path, archive_url: str, *args: str) -> Result:
    options = ["--config", str(config_dir), "--database-url", archive_url]
    result = CliRunner().invoke(main, [*args, *options], catch_exceptions=False)
    return result


def found_urls(result: Result) -> set[str]:
    return {line.strip() for line in result.output.splitlines() if line.startswith("  http")}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Белгород", {"https://vesti.example/diversanty"}),
        ("Бєлгород AND рейд", {"https://khvylia.example/kto"}),
        ("incursion", {"https://mm.example/raid"}),
        ('"Graivoron district"', {"https://mm.example/raid"}),
        ("saboteur NEAR/3 border", {"https://mm.example/raid"}),
        ("saboteur NEAR/1 border", set()),
        ("вторжени* OR incursion OR рейд", set(list(ARTICLES)[:3])),
        ("(Belgorod OR budget) NOT evacuation", {"https://mm.example/budget"}),
    ],
)
def test_search_has_the_query_languages_semantics(
    config_dir: Path, archive_url: str, query: str, expected: set[str]
) -> None:
    result = mediamon(config_dir, archive_url, "search", query)
    assert result.exit_code == 0, result.output
    assert found_urls(result) == expected
    assert f"{len(expected)} article(s) found" in result.output


def test_search_filters_by_outlet_and_date(config_dir: Path, archive_url: str) -> None:
    query = "вторжени* OR incursion OR рейд OR deficit"
    by_outlet = mediamon(config_dir, archive_url, "search", query, "--outlet", "moscowmonitor")
    assert found_urls(by_outlet) == {"https://mm.example/raid", "https://mm.example/budget"}
    since = mediamon(config_dir, archive_url, "search", query, "--since", "2023-05-22")
    assert found_urls(since) == set(list(ARTICLES)[:3])


def test_search_by_topic_after_retag(config_dir: Path, archive_url: str) -> None:
    before = mediamon(
        config_dir,
        archive_url,
        "search",
        "Belgorod OR Белгород* OR Бєлгород*",
        "--topic",
        "belgorod-incursion",
    )
    assert found_urls(before) == set()
    retagged = mediamon(config_dir, archive_url, "retag")
    assert "4 article(s) checked, tags changed on 3" in retagged.output
    assert "+3 belgorod-incursion" in retagged.output
    after = mediamon(
        config_dir,
        archive_url,
        "search",
        "Belgorod OR Белгород* OR Бєлгород*",
        "--topic",
        "belgorod-incursion",
    )
    assert found_urls(after) == set(list(ARTICLES)[:3])


def test_a_malformed_query_says_where(config_dir: Path, archive_url: str) -> None:
    result = CliRunner().invoke(
        main,
        [
            "search",
            "Belgorod AND (raid",
            "--config",
            str(config_dir),
            "--database-url",
            archive_url,
        ],
    )
    assert result.exit_code == 2
    assert "never closed" in result.output and "character 14" in result.output


def test_search_sees_the_newest_text_of_a_changed_article(database_url: str) -> None:
    engine = open_database(database_url)
    assert has_fts(engine)
    store_article(engine, make_article("https://a.example/1", "Drones hit a substation."))
    store_article(engine, make_article("https://a.example/1", "Missiles hit a substation."))
    from mediamon.query.parser import parse_query
    from mediamon.store.search import SearchFilters, search

    assert [r.url for r in search(engine, parse_query("missile"), SearchFilters())] == [
        "https://a.example/1"
    ]
    assert search(engine, parse_query("drones"), SearchFilters()) == []


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
@pytest.mark.parametrize("query", ["белгородская", "ЕЛКА", "hauptstrasse", "region"])
def test_postgresql_finds_words_whatever_their_case_letter_variants_and_hidden_hyphens(
    database_url: str, query: str
) -> None:
    engine = open_database(database_url)
    text = "БЕЛ\u00adГОРОДСКАЯ Ёлка на Hauptstraße, GRAIVORON.Region"
    store_article(engine, make_article("https://a.example/1", text, language="ru"))
    from mediamon.query.parser import parse_query
    from mediamon.store.search import SearchFilters, search

    found = search(engine, parse_query(query), SearchFilters())
    assert [row.url for row in found] == ["https://a.example/1"]


def test_topics_test_shows_matches_and_why(config_dir: Path, archive_url: str) -> None:
    result = mediamon(config_dir, archive_url, "topics", "test", "belgorod-incursion")
    assert result.exit_code == 0, result.output
    assert found_urls(result) == set(list(ARTICLES)[:3])
    assert "3 stored article(s) match topic belgorod-incursion" in result.output
    assert "«Белгородской»" in result.output
    assert "incursion: text «incursions»" in result.output


def clue_blocks(output: str) -> list[list[str]]:
    """The clue lines (indented four spaces) under each matched article of `topics test`."""
    blocks: list[list[str]] = []
    for line in output.splitlines():
        if line.startswith("  http"):
            blocks.append([])
        elif line.startswith("    "):
            blocks[-1].append(line.strip())
    return blocks


def test_topics_test_shows_the_terms_found_and_counts_the_others(
    config_dir: Path, archive_url: str
) -> None:
    from mediamon.core.config import load_config
    from mediamon.query.parser import parse_query

    [topic] = [t for t in load_config(config_dir).topics if t.id == "belgorod-incursion"]
    terms = len(parse_query(topic.query).clues("", "", None))
    assert terms > 20
    short = clue_blocks(mediamon(config_dir, archive_url, "topics", "test", topic.id).output)
    full = clue_blocks(mediamon(config_dir, archive_url, "topics", "test", topic.id, "-v").output)
    assert len(short) == len(full) == 3
    for found_only, every in zip(short, full, strict=True):
        *found, count = found_only
        missing = re.fullmatch(
            r"\((\d+) other term\(s\) of the query not found; -v lists them\)", count
        )
        assert missing is not None, count
        assert found and not [line for line in found if line.endswith(": not found")]
        assert len(found) + int(missing.group(1)) == terms
        assert len(every) == terms
        assert every[: len(found)] == found
        assert all(line.endswith(": not found") for line in every[len(found) :])


def test_topics_test_names_the_known_topics_for_an_unknown_one(
    config_dir: Path, archive_url: str
) -> None:
    result = CliRunner().invoke(
        main,
        ["topics", "test", "nope", "--config", str(config_dir), "--database-url", archive_url],
    )
    assert result.exit_code == 2
    assert "belgorod-incursion" in result.output


def test_retag_applies_a_changed_topic_to_stored_articles(
    config_dir: Path, archive_url: str, tmp_path: Path
) -> None:
    mediamon(config_dir, archive_url, "retag")
    changed = tmp_path / "changed-config"
    shutil.copytree(config_dir, changed)
    (changed / "topics.yaml").write_text(
        "topics:\n  - id: budget\n    name: Budget\n    query: deficit* OR бюджет*\n",
        encoding="utf-8",
    )
    result = mediamon(changed, archive_url, "retag")
    assert result.exit_code == 0, result.output
    assert "+1 budget" in result.output and "-3 belgorod-incursion" in result.output
    assert tags(open_database(archive_url)) == {("https://mm.example/budget", "budget")}
    dry = mediamon(config_dir, archive_url, "retag", "--dry-run")
    assert "would change on 4" in dry.output
    assert tags(open_database(archive_url)) == {("https://mm.example/budget", "budget")}


def tags(engine: Engine) -> set[tuple[str, str]]:
    query = select(ArticleRow.url, ArticleTopic.topic_id).join(
        ArticleTopic, ArticleTopic.article_id == ArticleRow.id
    )
    with Session(engine) as session:
        return {(url, topic) for url, topic in session.execute(query)}


def test_search_shows_the_day_where_the_page_was_published(
    config_dir: Path, database_url: str
) -> None:
    engine = open_database(database_url)
    evening = datetime(2023, 5, 22, 21, 30, tzinfo=timezone(timedelta(hours=-5)))
    item = make_article("https://mm.example/late", "Saboteurs crossed the border late.")
    item.published_at = evening  # 02:30 on 23 May in UTC
    store_article(engine, item)
    engine.dispose()
    result = mediamon(config_dir, database_url, "search", "saboteurs")
    assert "2023-05-22  wire" in result.output
