"""The numbers a digest states: plurals that agree, header counts of everything shown, and a
period (and timeline) that ends where the articles do."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from mediamon.core.db import open_database
from tests.support.digest import DAY, add_article, at, run_digest_cli

DATE = ("--date", DAY.isoformat())


@pytest.fixture
def database(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path}/digest.sqlite"


def digest(config_dir: Path, database: str, *args: str) -> str:
    result = run_digest_cli(config_dir, database, *args)
    assert result.exit_code == 0, result.output
    return result.stdout


def digest_json(config_dir: Path, database: str, *args: str) -> dict[str, Any]:
    parsed: dict[str, Any] = json.loads(digest(config_dir, database, "--format", "json", *args))
    return parsed


def test_one_story_of_one_article_is_singular_everywhere(config_dir: Path, database: str) -> None:
    add_article(open_database(database), "tass", "Saboteurs repelled", at(9))
    markdown = digest(config_dir, database, *DATE, "--format", "md")
    assert "1 story, 1 article in all." in markdown
    assert "1 story, 1 article from 1 outlet." in markdown
    assert "peak 09:00 (1 article)" in markdown
    assert "stories" not in markdown.replace("Stories are", "")
    text = digest(config_dir, database, *DATE, "--format", "txt")
    assert "1 story, 1 article in all." in text
    html = digest(config_dir, database, *DATE, "--format", "html")
    assert "1 story · 1 article in all" in html
    assert "1 story · 1 article · 1 outlet" in html
    assert "09:00: 1 article, 1 on" in html


def test_two_stories_are_plural(config_dir: Path, database: str) -> None:
    engine = open_database(database)
    first = add_article(engine, "tass", "Saboteurs repelled", at(9))
    add_article(engine, "bbc", "Saboteurs repelled (wire)", at(10), duplicate_of=first)
    add_article(engine, "meduza-en", "Kozinka shelled", at(11))
    markdown = digest(config_dir, database, *DATE, "--format", "md")
    assert "2 stories, 3 articles in all." in markdown
    assert "2 stories, 3 articles from 3 outlets." in markdown
    assert "2 outlets; first: TASS at 09:00" in markdown
    assert "1 outlet; first: Meduza (English) at 11:00" in markdown


def test_the_header_counts_every_story_shown_including_those_on_no_topic(
    config_dir: Path, database: str
) -> None:
    engine = open_database(database)
    add_article(engine, "tass", "Saboteurs repelled", at(9))
    add_article(engine, "bbc", "Weather warning", at(10), topics=())
    add_article(engine, "guardian", "Football results", at(11), topics=())
    markdown = digest(config_dir, database, *DATE, "--format", "md")
    assert "3 stories, 3 articles in all." in markdown
    assert "1 story, 1 article from 1 outlet." in markdown  # the topic's section
    assert "## Other coverage (no topic matched)\n\n2 stories, 2 articles from 2 outlets." in (
        markdown
    )
    one_topic = digest(config_dir, database, *DATE, "--topic", "belgorod-incursion")
    assert "1 story, 1 article in all." in one_topic  # only the topic's story is shown
    assert "Weather warning" not in one_topic


def test_since_without_until_ends_at_the_newest_article(config_dir: Path, database: str) -> None:
    engine = open_database(database)
    add_article(engine, "tass", "Saboteurs repelled", at(9))
    add_article(engine, "bbc", "Kozinka shelled", at(18, 30))
    since = digest_json(config_dir, database, "--since", "2023-05-20")
    assert since["period"] == "2023-05-20 00:00 to 2023-05-22 18:30"
    assert since["timeline"][-1]["start"].startswith("2023-05-22")
    assert sum(bucket["articles"] for bucket in since["timeline"]) == 2
    until = digest_json(config_dir, database, "--since", "2023-05-20", "--until", "2023-05-21")
    assert until["period"] == "2023-05-20 00:00 to 2023-05-21 23:59"
    assert until["story_count"] == 0
    noon = digest_json(config_dir, database, "--since", "2023-05-22", "--until", "2023-05-22 12:00")
    assert noon["period"] == "2023-05-22 00:00 to 2023-05-22 11:59"
    assert [s["headline"] for s in noon["sections"][0]["full"]] == ["Saboteurs repelled"]


def test_until_needs_since_and_must_follow_it(config_dir: Path, database: str) -> None:
    open_database(database).dispose()
    alone = run_digest_cli(config_dir, database, "--until", "2023-05-22")
    assert alone.exit_code == 2
    assert "--until goes with --since" in alone.output
    backwards = run_digest_cli(
        config_dir, database, "--since", "2023-05-22", "--until", "2023-05-20"
    )
    assert backwards.exit_code == 2
    assert "--until must come after --since" in backwards.output


def test_timeline_labels_carry_the_year_across_a_year_boundary(
    config_dir: Path, database: str
) -> None:
    engine = open_database(database)
    add_article(engine, "tass", "Belgorod in December", at(9, day=date(2022, 12, 28)))
    add_article(engine, "bbc", "Belgorod in January", at(9, day=date(2023, 1, 3)))
    markdown = digest(config_dir, database, "--since", "2022-12-20", "--format", "md")
    assert "Coverage over time: 2022-12-20 " in markdown
    assert " 2023-01-03, peak " in markdown
    assert "first: BBC News at 2023-01-03 09:00" in markdown
    html = digest(config_dir, database, "--since", "2022-12-20", "--format", "html")
    assert ">2022-12-20</text>" in html
    within_a_year = digest(config_dir, database, "--since", "2022-12-27", "--until", "2022-12-31")
    assert "Coverage over time: 12-27 " in within_a_year


def test_hours_crossing_into_a_new_year_are_labelled_with_the_date(
    config_dir: Path, database: str
) -> None:
    engine = open_database(database)
    add_article(engine, "tass", "Belgorod at midnight", at(0, 30, date(2023, 1, 1)))
    markdown = digest(config_dir, database, "--since", "2022-12-31 20:00", "--format", "md")
    assert "Coverage over time: 2022-12-31 20:00 " in markdown
    assert "first: TASS at 2023-01-01 00:30" in markdown
