"""Template lines learned in batches, on both databases: sightings wait in memory until a flush,
a line is still learned at the article that takes it over the threshold, and processes sharing
the database (here, several TemplateLines on one) never count an article twice."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from mediamon.core.db import open_database
from mediamon.extract.learned import LOOKUP_ARTICLES, TemplateLines
from tests.extract.test_learned import MIN_ARTICLES, TEMPLATE, extracted, page, pipeline

RARE = "This report was updated after publication to add the minister's comment."


@pytest.fixture
def engine(database_url: str) -> Engine:
    return open_database(database_url)


def stored_counts(engine: Engine, outlet_id: str = "o") -> dict[str, tuple[int, str]]:
    """The counts and statuses in the database, as another process reads them."""
    reports = TemplateLines(engine, MIN_ARTICLES).lines(outlet_id)
    return {report.text: (report.article_count, report.status) for report in reports}


def test_sightings_are_written_every_batch_of_articles(engine: Engine) -> None:
    lines = TemplateLines(engine, MIN_ARTICLES, batch_articles=3)
    lines.record("o", "https://o.example/1", [TEMPLATE, "Own paragraph one."])
    lines.record("o", "https://o.example/1", [TEMPLATE])  # the same article is not a new one
    lines.record("o", "https://o.example/2", ["Own paragraph two."])
    assert stored_counts(engine) == {}
    lines.record("o", "https://o.example/3", ["Own paragraph three."])
    assert stored_counts(engine) == {
        TEMPLATE: (1, "candidate"),
        "Own paragraph one.": (1, "candidate"),
        "Own paragraph two.": (1, "candidate"),
        "Own paragraph three.": (1, "candidate"),
    }


def test_sightings_are_written_when_the_batch_is_old_enough(engine: Engine) -> None:
    lines = TemplateLines(engine, MIN_ARTICLES, batch_seconds=0.0)
    lines.record("o", "https://o.example/1", [TEMPLATE])
    assert stored_counts(engine) == {TEMPLATE: (1, "candidate")}


def test_processes_sharing_the_database_count_each_article_once(
    engine: Engine, database_url: str
) -> None:
    first, second = TemplateLines(engine, MIN_ARTICLES), TemplateLines(engine, MIN_ARTICLES)
    for lines in (first, second):
        lines.record("o", "https://o.example/1", [TEMPLATE])
        lines.record("o", "https://o.example/2", [TEMPLATE])
    assert first.flush() == second.flush() == {}
    assert stored_counts(engine) == {TEMPLATE: (2, "candidate")}
    third = TemplateLines(open_database(database_url), MIN_ARTICLES)
    assert third.record("o", "https://o.example/3", [TEMPLATE]) == [TEMPLATE]
    assert second.record("o", "https://o.example/3", [TEMPLATE]) == []  # counted, learned
    assert second.flush() == {}
    assert stored_counts(engine) == {TEMPLATE: (3, "learned")}


def test_a_count_reached_in_another_process_is_learned_at_the_next_flush(engine: Engine) -> None:
    earlier = TemplateLines(engine, MIN_ARTICLES)
    earlier.record("o", "https://o.example/1", [RARE])
    earlier.record("o", "https://o.example/2", [RARE])
    earlier.flush()
    later = TemplateLines(engine, MIN_ARTICLES)
    # The first articles of an outlet read their lines' counts; after them, a line seen before
    # only in other processes counts from zero until the database answers at the next flush.
    for number in range(LOOKUP_ARTICLES):
        later.record("o", f"https://o.example/own/{number}", [f"Own paragraph {number}."])
    assert later.record("o", "https://o.example/3", [RARE]) == []
    assert later.flush() == {"o": [RARE]}
    assert stored_counts(engine)[RARE] == (3, "learned")


def test_pinned_and_exempt_lines_keep_their_status_as_they_are_counted(engine: Engine) -> None:
    lines = TemplateLines(engine, MIN_ARTICLES)
    lines.set_status("o", TEMPLATE, "exempt")
    lines.set_status("o", RARE, "pinned")
    for number in range(MIN_ARTICLES + 1):
        assert lines.record("o", f"https://o.example/{number}", [TEMPLATE, RARE]) == []
    lines.flush()
    assert stored_counts(engine) == {
        TEMPLATE: (MIN_ARTICLES + 1, "exempt"),
        RARE: (MIN_ARTICLES + 1, "pinned"),
    }
    assert lines.active_lines("o") == {RARE}


def test_the_pipeline_writes_its_last_batch_when_the_spider_closes(
    engine: Engine, config_dir: Path
) -> None:
    extractor = pipeline(TemplateLines(engine, MIN_ARTICLES), config_dir)
    for number in range(1, MIN_ARTICLES):
        extracted(extractor, page(number))
    assert stored_counts(engine, "moscowtimes") == {}
    extractor.close_spider()
    assert stored_counts(engine, "moscowtimes")[TEMPLATE] == (MIN_ARTICLES - 1, "candidate")
