"""`mediamon reextract` decides an article's dates again, as of when it was first seen: a
placeholder stored before dates were checked gives way to the page's date, or goes."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from mediamon.core.config import load_config
from mediamon.core.db import open_database
from mediamon.core.models import ArticleRow
from mediamon.store.reextract import reextract
from mediamon.store.saving import store_article
from tests.extract.test_learned import page

YEAR_ONE = datetime(1, 1, 1, tzinfo=UTC)


def test_reextract_replaces_a_stored_year_one_by_the_pages_date(
    database_url: str, config_dir: Path
) -> None:
    engine = open_database(database_url)
    item = page(3)  # its URL says 2023/05/03
    item.title, item.text = "Story 3", "A text that extraction will replace."
    store_article(engine, item)
    with Session(engine) as session:  # as a crawl before dates were checked stored it
        session.execute(update(ArticleRow).values(published_at=YEAR_ONE))
        session.commit()
    assert reextract(engine, load_config(str(config_dir))).changed == 1
    with Session(engine) as session:
        row = session.scalars(select(ArticleRow)).one()
    assert row.published_at is not None and row.published_at.date().isoformat() == "2023-05-03"
    assert row.published_source in {"url", "htmldate"}
    engine.dispose()
