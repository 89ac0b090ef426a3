"""What the digest tells an analyst: stories ranked across outlets, new ones marked, counts,
health notes, and sensible output for empty days, silent topics and very long days."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, insert
from sqlalchemy.orm import Session

from mediamon.core.db import open_database
from mediamon.core.models import Run, Story, StoryMember, utcnow
from mediamon.core.runs import finish_run, start_run
from mediamon.crawl.feedstate import record_poll
from tests.support.digest import BERLIN, DAY, TOPIC, add_article, add_many, at, run_digest_cli

DATE = ("--date", DAY.isoformat())


@pytest.fixture
def database(database_url: str) -> str:
    return database_url


@pytest.fixture
def engine(database: str) -> Engine:
    return open_database(database)


def digest_json(config_dir: Path, database: str, *args: str) -> dict[str, Any]:
    result = run_digest_cli(config_dir, database, "--format", "json", *args)
    assert result.exit_code == 0, result.output
    parsed: dict[str, Any] = json.loads(result.stdout)
    return parsed


def topic_section(digest: dict[str, Any], topic: str = TOPIC) -> dict[str, Any]:
    return next(s for s in digest["sections"] if s["topic_id"] == topic)


def headlines(section: dict[str, Any]) -> list[str]:
    return [story["headline"] for story in section["full"]]


def test_stories_rank_by_outlet_count_then_recency(
    engine: Engine, config_dir: Path, database: str
) -> None:
    add_article(engine, "moscowtimes", "Morning: shelling in Graivoron", at(8))
    original = add_article(engine, "tass", "Saboteurs repelled, ministry says", at(9))
    add_article(engine, "tass-ru", "ДРГ отброшена", at(9, 20), duplicate_of=original)
    add_article(engine, "rferl", "Saboteurs repelled (wire)", at(9, 40), duplicate_of=original)
    add_article(engine, "kyivindependent", "Evening: Kozinka under fire", at(18))
    section = topic_section(digest_json(config_dir, database, *DATE))
    assert headlines(section) == [
        "Saboteurs repelled, ministry says",  # three outlets
        "Evening: Kozinka under fire",  # one outlet, most recent
        "Morning: shelling in Graivoron",
    ]
    assert (section["story_count"], section["article_count"]) == (3, 5)


def test_articles_the_stories_pipeline_grouped_are_one_story(
    engine: Engine, config_dir: Path, database: str
) -> None:
    first = add_article(engine, "tass", "Saboteurs destroyed, ministry says", at(9))
    second = add_article(engine, "kyivindependent", "Russian Volunteer Corps in Kozinka", at(10))
    add_article(engine, "bbc", "A different story", at(11))
    with engine.begin() as connection:
        values = {"headline": "x", "first_outlet_id": "tass", "first_article_id": first}
        span = {"first_seen_at": at(9), "last_seen_at": at(10), "article_count": 2}
        story = connection.scalar(insert(Story).values(**values, **span).returning(Story.id))
        members = [{"article_id": a, "story_id": story, "seen_at": at(10)} for a in (first, second)]
        connection.execute(insert(StoryMember), members)
    section = topic_section(digest_json(config_dir, database, *DATE))
    assert headlines(section) == ["Saboteurs destroyed, ministry says", "A different story"]
    outlets = [item["outlet"]["id"] for item in section["full"][0]["coverage"]]
    assert outlets == ["tass", "kyivindependent"]


def test_a_story_names_first_outlet_every_outlet_with_labels_snippet_and_links(
    engine: Engine, config_dir: Path, database: str
) -> None:
    text = "Officials reported an incursion near Kozinka.\nSecond paragraph, not in the lead."
    original = add_article(
        engine, "tass", "Incursion repelled", at(9), text=text, url="https://tass.com/1"
    )
    add_article(
        engine, "novayagazeta-eu", "Incursion", at(10), duplicate_of=original, url="https://ng.eu/2"
    )
    result = run_digest_cli(config_dir, database, *DATE, "--format", "md")
    assert "2 outlets; first: TASS at 09:00" in result.stdout
    assert "> Officials reported an incursion near Kozinka.\n" in result.stdout
    assert "Second paragraph" not in result.stdout
    assert "- 09:00 [TASS (state-owned, russian)](<https://tass.com/1>)" in result.stdout
    assert (
        "- 10:00 [Novaya Gazeta Europe (independent, exiled)](<https://ng.eu/2>) (exact copy)"
        in result.stdout
    )


def test_the_day_is_the_configured_zones_day(
    engine: Engine, config_dir: Path, database: str
) -> None:
    add_article(engine, "bbc", "Late on the 21st in Berlin", at(23, 30, DAY - timedelta(days=1)))
    add_article(engine, "bbc", "Just after midnight in Berlin", at(0, 30))
    add_article(engine, "bbc", "Undated, fetched that evening", None, fetched=at(21))
    add_article(engine, "bbc", "Early on the 23rd in Berlin", at(0, 10, DAY + timedelta(days=1)))
    section = topic_section(digest_json(config_dir, database, *DATE))
    assert sorted(headlines(section)) == [
        "Just after midnight in Berlin",
        "Undated, fetched that evening",
    ]


def test_a_topic_with_no_coverage_says_so(engine: Engine, config_dir: Path, database: str) -> None:
    topics = config_dir / "topics.yaml"
    topics.write_text(
        topics.read_text(encoding="utf-8")
        + "\n  - id: wagner-mutiny\n    name: Wagner mutiny\n    query: wagner AND prigozhin\n",
        encoding="utf-8",
    )
    add_article(engine, "tass", "Saboteurs repelled", at(9))
    result = run_digest_cli(
        config_dir, database, *DATE, "--topic", "wagner-mutiny", "--format", "md"
    )
    assert result.exit_code == 0, result.output
    assert "## Wagner mutiny\n\nNo coverage in this period from the 12 watched outlets." in (
        result.stdout
    )
    assert "Saboteurs repelled" not in result.stdout


def test_an_empty_day_says_nothing_was_collected_and_that_no_crawl_ran(
    engine: Engine, config_dir: Path, database: str
) -> None:
    with Session(engine) as session, session.begin():
        session.add(Run(job="crawl:feeds:all", started_at=at(7, 0, DAY - timedelta(days=1))))
    for fmt in ("md", "html", "txt"):
        result = run_digest_cli(config_dir, database, *DATE, "--format", fmt)
        assert result.exit_code == 0, result.output
        assert "No articles were collected in this period." in result.stdout
        assert "no crawl ran between 2023-05-22 00:00 and 2023-05-23 00:00" in result.stdout


def test_a_very_long_day_is_collapsed_with_counts(
    engine: Engine, config_dir: Path, database: str
) -> None:
    add_many(engine, 1_200, ["guardian", "rferl", "meduza-en"])
    digest = digest_json(config_dir, database, *DATE)
    section = topic_section(digest)
    assert (len(section["full"]), len(section["brief"]), len(section["counted"])) == (20, 80, 1100)
    shares = {s["outlet"]["name"]: s["articles"] for s in section["counted_by_outlet"]}
    assert shares == {
        "The Guardian": 367,
        "Radio Free Europe/Radio Liberty": 367,
        "Meduza (English)": 366,
    }
    html = run_digest_cli(config_dir, database, *DATE, "--format", "html").stdout
    assert html.count("<details") == 1
    assert "And 1100 more stories (1100 articles) not listed:" in html
    assert len(html) < 200_000  # 1,200 stories, yet a page a mail client can show


def test_outlet_counts_and_health_notes_from_feeds_and_run_history(
    engine: Engine, config_dir: Path, database: str
) -> None:
    add_article(engine, "tass", "Saboteurs repelled", utcnow() - timedelta(minutes=30))
    add_article(engine, "tass", "Weather", utcnow() - timedelta(minutes=20), topics=())
    for _ in range(3):
        record_poll(engine, "https://meduza.io/rss/en/all", "meduza-en", 503, None)
    crawl = start_run(engine, "crawl:feeds:all")
    finish_run(engine, crawl, "errors", {}, ["3 errors logged"])
    since = (datetime.now(BERLIN) - timedelta(hours=2)).strftime("%Y-%m-%d %H:%M")
    digest = digest_json(config_dir, database, "--since", since)
    tass = next(c for c in digest["outlet_counts"] if c["outlet"]["id"] == "tass")
    assert (tass["articles"], tass["on_topic"], tass["outlet"]["labels"]) == (
        2,
        1,
        ["state-owned", "russian"],
    )
    notes = {(n["outlet"]["id"] if n["outlet"] else None, n["message"]) for n in digest["health"]}
    assert ("meduza-en", "feed https://meduza.io/rss/en/all failed its last 3 polls") in {
        (outlet, message.split(" (")[0]) for outlet, message in notes
    }
    assert (
        None,
        "1 of 1 crawls did not finish cleanly (1 errors); first error: 3 errors logged",
    ) in notes
    assert ("bbc", "no articles in this period") in notes


def test_unknown_topic_and_conflicting_options_are_clear_errors(
    engine: Engine, config_dir: Path, database: str
) -> None:
    unknown = run_digest_cli(config_dir, database, "--topic", "nope")
    assert unknown.exit_code == 1
    assert "no topic 'nope' in" in unknown.output
    assert "known: belgorod-incursion" in unknown.output
    both = run_digest_cli(config_dir, database, *DATE, "--since", "2023-05-20")
    assert both.exit_code == 2
    assert "give either --date or --since, not both" in both.output


def test_the_timeline_has_hourly_bars_for_a_day_and_few_bars_for_years(
    engine: Engine, config_dir: Path, database: str
) -> None:
    add_article(engine, "tass", "Morning", at(9))
    add_article(engine, "bbc", "Evening", at(21), topics=())
    day = digest_json(config_dir, database, *DATE)["timeline"]
    assert len(day) == 24
    assert [(b["start"][11:16], b["articles"], b["on_topic"]) for b in day if b["articles"]] == [
        ("09:00", 1, 1),
        ("21:00", 1, 0),
    ]
    years = digest_json(config_dir, database, "--since", "2021-01-01")["timeline"]
    assert 31 <= len(years) <= 62
    assert sum(b["articles"] for b in years) == 2
