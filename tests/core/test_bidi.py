"""Bidi controls in scraped titles, bylines and text are removed before anyone sees them:
at extraction, and again when a digest is made (for rows stored before)."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from scrapy.utils.test import get_crawler
from sqlalchemy import select
from sqlalchemy.orm import Session

from mediamon.core.article import Article
from mediamon.core.db import open_database
from mediamon.core.models import ArticleRow
from mediamon.core.textclean import clean_names, clean_title, without_bidi_controls
from mediamon.extract.extractor import extract
from mediamon.store.saving import store_article
from pipelines.extract_pipeline import ExtractPipeline
from tests.support.digest import DAY, add_article, at, run_digest_cli

CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
TITLE = "Raid \u202eexe.gnp\u202c on \u2066Belgorod\u2069"
SNIPPET = "\u202eArmed groups crossed into the Belgorod region, officials said.\u202c"
RTL_WITH_MARKS = "\u05e9\u05dc\u05d5\u05dd\u200f 2023\u200e \u0645\u0631\u062d\u0628\u0627\u061c"


def has_controls(text: str) -> bool:
    return any(control in text for control in CONTROLS)


def test_every_embedding_override_and_isolate_control_is_removed() -> None:
    assert without_bidi_controls(f"a{CONTROLS}b") == "ab"
    assert without_bidi_controls(TITLE) == "Raid exe.gnp on Belgorod"


def test_direction_marks_are_kept() -> None:
    assert without_bidi_controls(RTL_WITH_MARKS) == RTL_WITH_MARKS


def test_a_title_or_name_of_nothing_but_controls_is_gone() -> None:
    assert clean_title("\u202e\u202c ") is None
    assert clean_title(None) is None
    assert clean_names(["\u202bИван Петров\u202c", "\u2066\u2069"]) == ["Иван Петров"]


def test_extraction_strips_them_from_title_and_authors() -> None:
    paragraphs = "".join(f"<p>{SNIPPET} Paragraph {n} of the report.</p>" for n in range(6))
    html = (
        f'<html><head><title>{TITLE}</title><meta name="author" content="\u202eJane Doe">'
        f"</head><body><article><h1>{TITLE}</h1>{paragraphs}</article></body></html>"
    )
    article = extract(html.encode(), "https://outlet.example/news/1", encoding="utf-8")
    assert article is not None
    assert article.title == "Raid exe.gnp on Belgorod"
    assert article.authors == ["Jane Doe"]


@pytest.mark.parametrize(
    ("hint", "title"), [(TITLE, "Raid exe.gnp on Belgorod"), ("\u202e\u202c", None)]
)
def test_a_feeds_title_used_for_a_page_without_one_is_cleaned_too(
    tmp_path: Path, hint: str, title: str | None
) -> None:
    paragraphs = "".join(f"<p>{SNIPPET} Paragraph {n} of the report.</p>" for n in range(6))
    html = f"<html><body><article>{paragraphs}</article></body></html>"
    item = Article(
        url="https://outlet.example/news/1",
        outlet_id="outlet",
        html=html.encode(),
        encoding="utf-8",
        fetched_at=datetime(2023, 5, 23, 9, 0, tzinfo=UTC),
        hint_title=hint,
    )
    pipeline = ExtractPipeline({}, None, get_crawler().stats)
    try:
        assert asyncio.run(pipeline.process_item(item)).title == title
    finally:
        pipeline.close_spider()
    engine = open_database(f"sqlite:///{tmp_path}/m.sqlite")
    store_article(engine, item)
    with Session(engine) as session:
        assert session.scalars(select(ArticleRow.title)).all() == [title]
    engine.dispose()


@pytest.fixture
def database(tmp_path: Path) -> Path:
    """Rows stored before extraction stripped anything: the digest must still clean them."""
    path = tmp_path / "bidi.sqlite"
    engine = open_database(f"sqlite:///{path}")
    add_article(engine, "tass", TITLE, at(9), text=SNIPPET)
    add_article(engine, "bbc", "Ordinary story", at(10), url="https://www.bbc.com/news/1")
    engine.dispose()
    return path


@pytest.mark.parametrize("fmt", ["html", "md", "txt", "json", "atom"])
def test_no_digest_format_carries_them(config_dir: Path, database: Path, fmt: str) -> None:
    result = run_digest_cli(config_dir, database, "--date", DAY.isoformat(), "--format", fmt)
    assert result.exit_code == 0, result.output
    assert not has_controls(result.stdout)
    assert "exe.gnp" in result.stdout


def test_html_isolates_scraped_text(config_dir: Path, database: Path) -> None:
    result = run_digest_cli(config_dir, database, "--date", DAY.isoformat(), "--format", "html")
    page = result.stdout
    assert "<bdi>Raid exe.gnp on Belgorod</bdi></a>" in page
    assert "<bdi>Armed groups crossed into the Belgorod region, officials said.</bdi>" in page
    assert "<bdi>TASS" in page


def test_outlet_names_from_the_config_are_cleaned_too(config_dir: Path, database: Path) -> None:
    outlets = config_dir / "outlets.yaml"
    outlets.write_text(outlets.read_text().replace("name: TASS", "name: \u202eTASS\u202c", 1))
    result = run_digest_cli(config_dir, database, "--date", DAY.isoformat(), "--format", "json")
    digest = json.loads(result.stdout)
    names = {c["outlet"]["name"] for c in digest["outlet_counts"]}
    assert "TASS" in names
    assert not has_controls(result.stdout)


def test_the_text_filters_drop_them_from_any_other_value() -> None:
    from mediamon.digest.render import markdown_escape, plain

    assert plain(f"feed {CONTROLS}failed") == "feed failed"
    assert markdown_escape(f"\u202e<b>{CONTROLS}") == "\\<b\\>"
