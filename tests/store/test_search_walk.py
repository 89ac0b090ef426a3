"""Search reads the newest articles first and hands over to the full-text index past them: the
matches are the same, newest first, none twice, wherever the handover falls."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine

from mediamon.core.db import open_database
from mediamon.query.parser import parse_query
from mediamon.store import search as store_search
from mediamon.store.saving import store_article
from mediamon.store.search import SearchFilters, search
from tests.support.articles import make_article

START = datetime(2023, 5, 1, 8, 0, tzinfo=UTC)
TEXTS = [  # oldest first
    "The governor reported shelling of Shebekino overnight.",
    "Grain exports rose in April.",
    "Shelling damaged a school, the regional governor said.",
    "A football club changed its coach.",
    "Rail traffic resumed after repairs.",
    "The governor said shelling had stopped by morning.",
    "Weather: rain expected on Tuesday.",
]
MATCHES = ["https://a.example/5", "https://a.example/2", "https://a.example/0"]  # newest first


@pytest.fixture
def engine(database_url: str) -> Engine:
    engine = open_database(database_url)
    for number, text in enumerate(TEXTS):
        published = START + timedelta(hours=number)
        store_article(
            engine, make_article(f"https://a.example/{number}", text, published=published)
        )
    return engine


@pytest.mark.parametrize("newest_read_first", [0, 1, 2, 3, 6, 7, 100])
def test_the_matches_are_the_same_wherever_the_index_takes_over(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, newest_read_first: int
) -> None:
    monkeypatch.setattr(store_search, "DENSE_SCAN", newest_read_first)
    query = parse_query("shelling AND governor")
    found = search(engine, query, SearchFilters(limit=None))
    assert [row.url for row in found] == MATCHES


def test_a_page_stops_at_its_limit_newest_first(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_search, "DENSE_SCAN", 2)
    found = search(engine, parse_query("governor"), SearchFilters(limit=2))
    assert [row.url for row in found] == MATCHES[:2]
    assert all(row.text for row in found)  # whole articles, not just their facts
