"""The Overview's figures and the Article page's parts: removed paragraphs put back where the
page had them, a word-level diff that marks only what changed, dates with their sources."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from mediamon.core.article import Article
from mediamon.core.config import Config, load_config
from mediamon.core.db import open_database
from mediamon.store.saving import store_article
from mediamon.web.queries.article import DiffPart, article_detail, in_place, word_diff
from mediamon.web.queries.coverage import overview
from tests.web.test_coverage_pages import TOPIC, coverage, story_of

__all__ = ["coverage"]  # the fixture, shared


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    return open_database(f"sqlite:///{tmp_path}/detail.sqlite")


@pytest.fixture
def config(config_dir: Path, tmp_path: Path) -> Config:
    return load_config(config_dir, f"sqlite:///{tmp_path}/detail.sqlite")


def test_the_overview_counts_each_topics_stories_and_lists_the_newest(
    engine: Engine, config: Config, coverage: dict[str, int]
) -> None:
    seen = overview(engine, config)
    assert seen.today.start == datetime(2023, 5, 11, tzinfo=UTC)  # the newest article's day
    assert seen.week.start == datetime(2023, 5, 5, tzinfo=UTC)
    (topic,) = seen.topics
    assert (topic.id, topic.stories_today, topic.stories_week, topic.articles_week) == (
        TOPIC,
        1,
        2,
        4,
    )
    assert [story.first.article_id for story in seen.newest] == [
        coverage["kyivindependent"],
        coverage["moscowtimes"],
    ]
    assert len(seen.newest[1].coverage) == 3  # the whole story, not only its newest article
    silent = {note.outlet.id for note in seen.health if note.outlet}
    assert "guardian" in silent and "moscowtimes" not in silent
    assert seen.runs == ()
    assert story_of(engine, coverage["bbc"]) == story_of(engine, coverage["moscowtimes"])


PAGE = (
    "<html><body><h1>Headline</h1><p>First kept paragraph of the story.</p>"
    "<p>Support our newsroom: donate today.</p><p>Second kept paragraph.</p>"
    "<script>var x = 'Second kept paragraph.';</script></body></html>"
)


def test_removed_paragraphs_are_put_back_where_the_page_had_them() -> None:
    text = "First kept paragraph of the story.\nSecond kept paragraph."
    removed = {"appeal": ["Support our newsroom: donate today."], "template": ["Not on the page"]}
    placed = [(p.text, p.layer) for p in in_place(text, removed, PAGE)]
    assert placed == [
        ("First kept paragraph of the story.", None),
        ("Support our newsroom: donate today.", "appeal"),
        ("Second kept paragraph.", None),
        ("Not on the page", "template"),  # its place is not known: last
    ]


def test_unparseable_html_still_shows_the_text_and_what_was_removed() -> None:
    placed = in_place("Kept.", {"appeal": ["Donate."]}, "")
    assert [(p.text, p.layer) for p in placed] == [("Kept.", None), ("Donate.", "appeal")]


def test_the_word_diff_marks_only_the_changed_words() -> None:
    parts = word_diff("the raid was repelled on Monday", "the raid was pushed back on Monday")
    changed = [(p.kind, p.text) for p in parts if p.kind != "same"]
    assert changed == [("deleted", "repelled"), ("inserted", "pushed back")]
    assert "".join(p.text for p in parts if p.kind != "deleted") == (
        "the raid was pushed back on Monday"
    )
    assert word_diff("same", "same") == (DiffPart("same", "same"),)


def test_the_article_shows_each_date_with_where_it_came_from(
    engine: Engine, config: Config
) -> None:
    published = datetime(2023, 5, 22, 9, tzinfo=UTC)
    item = Article(
        url="https://tass.com/a/9",
        outlet_id="tass",
        html=PAGE.encode(),
        encoding="utf-8",
        fetched_at=published + timedelta(hours=1),
        title="Headline",
        text="First kept paragraph of the story.\nSecond kept paragraph.",
        published_at=published,
        published_source="json-ld",
        rejected_dates=["meta: 0001-01-01 (before 1990)"],
        removed={"appeal": ["Support our newsroom: donate today."]},
        canonical_url="https://tass.com/a/9",
    )
    article_id = store_article(engine, item)
    assert article_id is not None
    detail = article_detail(engine, config, article_id)
    assert detail is not None
    dates = {fact.what: (fact.moment, fact.source) for fact in detail.dates}
    assert dates["published"] == (published, "json-ld")
    assert dates["updated"] == (None, "not stated")
    assert detail.rejected_dates == ("meta: 0001-01-01 (before 1990)",)
    assert detail.outlet.name == "TASS"
    assert detail.removed_count == 1 and detail.changes == ()
    assert "<script>" in detail.raw_html
    assert article_detail(engine, config, article_id + 1) is None


def test_times_are_shown_in_utc_and_lags_in_words() -> None:
    from zoneinfo import ZoneInfo

    from mediamon.web.rendering import lag, when

    berlin = datetime(2023, 5, 22, 11, 30, tzinfo=ZoneInfo("Europe/Berlin"))
    assert when(berlin) == "2023-05-22 09:30 UTC"
    assert when(None) == "—"
    assert [lag(timedelta(minutes=m)) for m in (0, 45, 200, 60 * 26)] == [
        "first",
        "+45 min",
        "+3 h 20 min",
        "+1 d 2 h",
    ]
