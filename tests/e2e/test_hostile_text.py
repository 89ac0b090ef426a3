"""Pages whose text is easy to store wrong, through a real crawl of the outlet world: a header
claiming windows-1251 for a UTF-8 page, a byte order mark under such a header, and a title
and byline made of bidi controls. What is stored, and every digest format, reads right."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from mediamon.core.db import open_database
from mediamon.core.models import ArticleRow, Run
from mediamon.world import OutletWorld
from mediamon.world.hostile import add_hostile_routes
from tests.support import PROJECT_CONFIG, run_mediamon
from tests.support.digest import run_digest_cli

CYRILLIC = "Вооружённая группа пересекла границу"
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


@dataclass
class TextCrawl:
    config: Path
    database: Path
    urls: dict[str, str]
    rows: dict[str, ArticleRow]
    counts: dict[str, object]


@pytest.fixture(scope="module")
def crawl(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TextCrawl]:
    workdir = tmp_path_factory.mktemp("hostile-text")
    with OutletWorld() as world:
        urls = add_hostile_routes(world, world.outlets[0].id)
        config = world.write_config(workdir / "c", PROJECT_CONFIG / "topics.yaml")
        only_feed(config, urls["text-feed.xml"])
        database = workdir / "t.sqlite"
        run_mediamon("crawl", "--config", str(config), "--database-url", f"sqlite:///{database}")
    engine = open_database(f"sqlite:///{database}")
    with Session(engine, expire_on_commit=False) as session:
        rows = {row.url: row for row in session.scalars(select(ArticleRow))}
        counts = session.scalars(select(Run)).one().counts
    engine.dispose()
    yield TextCrawl(config, database, urls, rows, counts)


def only_feed(config: Path, feed_url: str) -> None:
    outlets = config / "outlets.yaml"
    document = yaml.safe_load(outlets.read_text())
    first = document["outlets"][0]
    first["feeds"] = [feed_url]
    document["outlets"] = [first]
    outlets.write_text(yaml.safe_dump(document, allow_unicode=True))
    (config / "settings.yaml").write_text("timezone: UTC\n")


def has_controls(text: str) -> bool:
    return any(control in text for control in BIDI_CONTROLS)


@pytest.mark.parametrize("case", ["header-lies-1251", "bom-utf8"])
def test_a_utf8_page_under_a_windows_1251_header_is_stored_readable(
    crawl: TextCrawl, case: str
) -> None:
    row = crawl.rows[crawl.urls[case]]
    assert CYRILLIC in row.text
    assert row.title == "Белгород"


def test_the_lying_header_is_counted(crawl: TextCrawl) -> None:
    # the BOM page: Scrapy already reads the BOM first, so only the meta case is a repair
    assert crawl.counts["mediamon/hostile/wrong_charset"] == 1


def test_bidi_controls_are_not_stored_in_title_or_authors(crawl: TextCrawl) -> None:
    row = crawl.rows[crawl.urls["bidi-title"]]
    assert row.title == "Белгород: exe.gnp рейд через границу"
    assert row.authors == ["Иван Петров"]


@pytest.mark.parametrize("fmt", ["html", "md", "txt", "json", "atom"])
def test_no_digest_format_carries_bidi_controls(crawl: TextCrawl, fmt: str) -> None:
    since = (datetime.now(UTC) - timedelta(hours=1)).strftime("%Y-%m-%d %H:%M")
    result = run_digest_cli(crawl.config, crawl.database, "--since", since, "--format", fmt)
    assert result.exit_code == 0, result.output
    assert "exe.gnp" in result.stdout
    assert not has_controls(result.stdout)
    if fmt == "html":
        assert "<bdi>Белгород: exe.gnp рейд через границу</bdi>" in result.stdout
