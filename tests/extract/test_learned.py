"""Learned template lines on a real SQLite file: counting distinct articles, pin/exempt, the item
pipeline that learns while crawling, `mediamon reextract` and `mediamon boilerplate`."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from mediamon.core.article import Article
from mediamon.core.config import load_config
from mediamon.core.db import open_database
from mediamon.core.models import ArticleRow
from mediamon.extract.learned import TemplateLines
from mediamon.store.reextract import reextract
from mediamon.store.saving import store_article
from mediamon.store.versions import article_texts
from pipelines.extract_pipeline import ExtractPipeline
from tests.extract.test_appeals import MULTILINGUAL, news_page
from tests.support import run_mediamon

STORY = MULTILINGUAL["en"]["body"]
TEMPLATE = "All times are local. Corrections can be sent to the desk."
MIN_ARTICLES = 3


@pytest.fixture
def engine(database_url: str) -> Engine:
    return open_database(database_url)


@pytest.fixture
def lines(engine: Engine) -> TemplateLines:
    return TemplateLines(engine, MIN_ARTICLES)


def page(number: int) -> Article:
    """Article ``number`` of one outlet: paragraphs of its own, then the template line."""
    own = [f"In report {number}: {paragraph}" for paragraph in STORY]
    html = news_page(f"Story {number}", [*own, TEMPLATE]).encode()
    return Article(
        url=f"https://www.themoscowtimes.com/2023/05/{number:02d}/story",
        outlet_id="moscowtimes",
        html=html,
        encoding="utf-8",
        fetched_at=datetime(2023, 5, number, tzinfo=UTC),
    )


def pipeline(lines: TemplateLines, config_dir: Path) -> ExtractPipeline:
    outlets = {outlet.id: outlet for outlet in load_config(str(config_dir)).outlets}
    return ExtractPipeline(outlets, lines, get_crawler().stats)


def extracted(extractor: ExtractPipeline, item: Article) -> Article:
    return asyncio.run(extractor.process_item(item))


def test_a_line_is_learned_at_n_distinct_articles(lines: TemplateLines) -> None:
    assert lines.record("o", "https://o.example/1", [TEMPLATE, "one"]) == []
    assert lines.record("o", "https://o.example/1", [TEMPLATE]) == []  # same article again
    assert lines.record("o", "https://o.example/2", [TEMPLATE, "two"]) == []
    assert lines.active_lines("o") == set()
    assert lines.record("o", "https://o.example/3", [TEMPLATE]) == [TEMPLATE]
    assert lines.active_lines("o") == {TEMPLATE}
    assert lines.active_lines("other-outlet") == set()
    report = lines.lines("o", ["learned"])
    assert [(line.text, line.article_count) for line in report] == [(TEMPLATE, 3)]


def test_counts_survive_a_new_process(lines: TemplateLines, database_url: str) -> None:
    lines.record("o", "https://o.example/1", [TEMPLATE])
    lines.record("o", "https://o.example/2", [TEMPLATE])
    lines.flush()  # as a process does when it is done
    fresh = TemplateLines(open_database(database_url), MIN_ARTICLES)
    assert fresh.record("o", "https://o.example/3", [TEMPLATE]) == [TEMPLATE]


def test_exempt_lines_are_never_removed_and_pinned_ones_always(lines: TemplateLines) -> None:
    for number in range(MIN_ARTICLES):
        lines.record("o", f"https://o.example/{number}", [TEMPLATE])
    learned = lines.lines("o")[0]
    lines.set_status("o", learned.line_hash[:8], "exempt")
    assert lines.active_lines("o") == set()
    lines.set_status("o", "Never seen before but clearly chrome", "pinned")
    assert lines.active_lines("o") == {"Never seen before but clearly chrome"}
    with pytest.raises(ValueError):
        lines.set_status("o", TEMPLATE, "learned")


def test_pipeline_learns_while_crawling_and_fills_the_item(
    lines: TemplateLines, config_dir: Path
) -> None:
    extractor = pipeline(lines, config_dir)
    items = [extracted(extractor, page(number)) for number in range(1, MIN_ARTICLES + 2)]
    assert [TEMPLATE in item.text for item in items] == [True, True, False, False]
    assert items[2].removed["template"] == [TEMPLATE]
    assert items[3].title == "Story 4"
    assert items[3].language == "en"
    assert items[3].canonical_url == items[3].url
    stats = extractor.stats.get_stats()
    assert stats["mediamon/extract/template_removed"] == 2
    assert stats["mediamon/extract/template_learned"] == 1


def test_pipeline_drops_a_page_without_text(lines: TemplateLines, config_dir: Path) -> None:
    empty = page(1)
    empty.html = b"<html><body><div></div></body></html>"
    with pytest.raises(DropItem, match="no article text"):
        extracted(pipeline(lines, config_dir), empty)


def test_reextract_removes_lines_learned_later_and_is_idempotent(
    engine: Engine, lines: TemplateLines, config_dir: Path
) -> None:
    extractor = pipeline(lines, config_dir)
    for number in range(1, MIN_ARTICLES + 1):
        store_article(engine, extracted(extractor, page(number)))
    config = load_config(str(config_dir))
    assert stored_texts_with(engine, TEMPLATE) == 2  # stored before the line was learned
    first = reextract(engine, config)
    assert (first.examined, first.changed) == (MIN_ARTICLES, 2)
    assert stored_texts_with(engine, TEMPLATE) == 0
    second = reextract(engine, config, outlet_id="moscowtimes")
    assert (second.examined, second.changed) == (MIN_ARTICLES, 0)


def test_reextract_keeps_the_previous_text_as_a_version(
    engine: Engine, lines: TemplateLines, config_dir: Path
) -> None:
    extractor = pipeline(lines, config_dir)
    ids = [store_article(engine, extracted(extractor, page(n))) for n in range(1, MIN_ARTICLES + 1)]
    reextract(engine, load_config(str(config_dir)))
    assert ids[0] is not None
    texts = article_texts(engine, ids[0])
    assert [TEMPLATE in version.text for version in texts] == [True, False]


def stored_texts_with(engine: Engine, line: str) -> int:
    with Session(engine) as session:
        return sum(line in text for text in session.scalars(select(ArticleRow.text)))


def test_cli_boilerplate_list_pin_exempt_and_reextract(
    lines: TemplateLines, engine: Engine, config_dir: Path, database_url: str
) -> None:
    extractor = pipeline(lines, config_dir)
    for number in range(1, MIN_ARTICLES + 1):
        store_article(engine, extracted(extractor, page(number)))
    options = ("moscowtimes", "--config", str(config_dir), "--database-url", database_url)
    listed = run_mediamon("boilerplate", "list", *options).stdout
    assert f"     {MIN_ARTICLES}  learned" in listed and TEMPLATE in listed
    run_mediamon("boilerplate", "exempt", options[0], TEMPLATE, *options[1:])
    assert "exempt" in run_mediamon("boilerplate", "list", *options).stdout
    reextracted = run_mediamon("reextract", "--outlet", *options).stdout
    assert f"{MIN_ARTICLES} articles examined, 1 changed" in reextracted
    assert stored_texts_with(engine, TEMPLATE) == MIN_ARTICLES


def test_cli_boilerplate_names_an_unknown_outlet(config_dir: Path, database_url: str) -> None:
    open_database(database_url).dispose()  # `boilerplate list` only reads: it creates none
    result = run_mediamon(
        "boilerplate",
        "list",
        "nosuch",
        "--config",
        str(config_dir),
        "--database-url",
        database_url,
        check=False,
    )
    assert result.returncode != 0
    assert "no outlet 'nosuch'" in result.stderr
