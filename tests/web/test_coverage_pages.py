"""The coverage queries and pages over SQLite and PostgreSQL: stories ranked by outlets, the
chart by outlet label, the story x outlet matrix with each outlet's lag, copies folded under
their original, errors as pages, and reads that cannot write."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, insert, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from mediamon.core.config import Config, load_config
from mediamon.core.context import Context
from mediamon.core.db import open_database
from mediamon.core.models import ArticleRow, Run, StoryMember
from mediamon.web.app import create_app
from mediamon.web.database import read_only_engine
from mediamon.web.queries.coverage import days_to, story_detail, story_id_of, topic_coverage
from tests.stories.test_stories import SHEBEKINO_MAY_10, SHEBEKINO_MAY_10_RU, SHEBEKINO_MAY_11
from tests.support.articles import Pipelines, make_article
from tests.support.web_server import serving

TOPIC = "belgorod-incursion"
MAY_10 = datetime(2023, 5, 10, 8, 0, tzinfo=UTC)
WEEK = days_to(date(2023, 5, 11), 7)


@pytest.fixture
def engine(database_url: str) -> Engine:
    return open_database(database_url)


@pytest.fixture
def config(config_dir: Path, database_url: str) -> Config:
    return load_config(config_dir, database_url)


def store(engine: Engine, url: str, paragraphs: list[str], **fields: Any) -> int:
    item = Pipelines(engine).run(make_article(url, "\n".join(paragraphs), topics=[TOPIC], **fields))
    assert item.id is not None
    return item.id


@pytest.fixture
def coverage(engine: Engine) -> dict[str, int]:
    """Shebekino on May 10 by The Moscow Times, TASS in Russian two hours later and the BBC
    copying The Moscow Times three hours later; on May 11 by the Kyiv Independent alone."""
    return {
        "moscowtimes": store(
            engine,
            "https://themoscowtimes.com/a/1",
            SHEBEKINO_MAY_10,
            outlet_id="moscowtimes",
            published=MAY_10,
        ),
        "tass": store(
            engine,
            "https://tass.ru/a/1",
            SHEBEKINO_MAY_10_RU,
            outlet_id="tass",
            language="ru",
            published=MAY_10 + timedelta(hours=2),
        ),
        "bbc": store(
            engine,
            "https://bbc.com/a/1",
            SHEBEKINO_MAY_10,
            outlet_id="bbc",
            published=MAY_10 + timedelta(hours=3),
        ),
        "kyivindependent": store(
            engine,
            "https://kyivindependent.com/a/1",
            SHEBEKINO_MAY_11,
            outlet_id="kyivindependent",
            published=MAY_10 + timedelta(days=1),
        ),
    }


def story_of(engine: Engine, article_id: int) -> int:
    with Session(engine) as session:
        story_id = session.scalar(
            select(StoryMember.story_id).where(StoryMember.article_id == article_id)
        )
    assert story_id is not None
    return story_id


def test_stories_rank_by_outlets_and_the_matrix_shows_who_covered_when(
    engine: Engine, config: Config, coverage: dict[str, int]
) -> None:
    topic = topic_coverage(engine, config, TOPIC, WEEK)
    assert [story_id_of(s) for s in topic.stories] == [
        story_of(engine, coverage["moscowtimes"]),
        story_of(engine, coverage["kyivindependent"]),
    ]
    columns = [outlet.id for outlet in topic.outlets]
    first, second = (
        {o: c for o, c in zip(columns, row.cells, strict=True)} for row in topic.matrix
    )
    assert first["moscowtimes"] is not None and first["moscowtimes"].lag == timedelta(0)
    assert first["tass"] is not None and first["tass"].lag == timedelta(hours=2)
    assert first["bbc"] is not None and first["bbc"].lag == timedelta(hours=3)
    assert first["bbc"].article_id == coverage["bbc"]
    assert first["kyivindependent"] is None  # it did not cover the story
    assert [o for o, cell in second.items() if cell] == ["kyivindependent"]
    assert "guardian" in columns  # an outlet that covered nothing is a column of blanks


def test_the_chart_counts_articles_per_day_by_outlet_label(
    engine: Engine, config: Config, coverage: dict[str, int]
) -> None:
    topic = topic_coverage(engine, config, TOPIC, WEEK)
    per_day = {
        day.day: {c.label: c.articles for c in day.by_label if c.articles} for day in topic.chart
    }
    assert len(per_day) == 7
    assert per_day[date(2023, 5, 10)] == {
        "independent": 1,
        "state-owned": 1,
        "public-broadcaster": 1,
    }
    assert per_day[date(2023, 5, 11)] == {"independent": 1}
    assert per_day[date(2023, 5, 9)] == {}


def test_a_story_lists_its_articles_in_time_order_with_copies_folded(
    engine: Engine, config: Config, coverage: dict[str, int]
) -> None:
    story = story_detail(engine, config, story_of(engine, coverage["moscowtimes"]))
    assert story is not None
    assert story.first_outlet.name == "The Moscow Times"
    assert [e.article.id for e in story.entries] == [coverage["moscowtimes"], coverage["tass"]]
    assert [c.article.id for c in story.entries[0].copies] == [coverage["bbc"]]
    assert story.entries[0].why == "started the story"
    assert story.languages == ("en", "ru")
    assert story_detail(engine, config, 999_999) is None


def test_reads_cannot_write(engine: Engine, database_url: str) -> None:
    reader = read_only_engine(database_url)
    row = {"job": "crawl", "started_at": MAY_10, "outcome": "ok", "counts": {}, "errors": []}
    with pytest.raises(DBAPIError), reader.begin() as connection:
        connection.execute(insert(Run).values(**row))
    with reader.connect() as connection:  # reading still works
        assert connection.execute(select(ArticleRow.id)).all() == []
    reader.dispose()
    with engine.begin() as connection:  # the database itself is writable
        connection.execute(insert(Run).values(**row))


@pytest.fixture
def site(engine: Engine, config: Config, coverage: dict[str, int]) -> Iterator[str]:
    with serving(create_app(Context(config, engine))) as base:
        yield base


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_the_pages_answer(site: str, engine: Engine, coverage: dict[str, int]) -> None:
    story = story_of(engine, coverage["moscowtimes"])
    status, overview = get(site + "/")
    assert status == 200 and f'href="/stories/{story}"' in overview
    status, topic = get(site + f"/topics/{TOPIC}?until=2023-05-11&days=3")
    assert status == 200 and "2023-05-09 to 2023-05-11" in topic
    status, page = get(site + f"/stories/{story}")
    assert status == 200 and f'href="/articles/{coverage["bbc"]}"' in page
    status, article = get(site + f"/articles/{coverage['tass']}")
    assert status == 200 and "Шебекино" in article


@pytest.mark.parametrize(
    ("path", "status", "says"),
    [
        ("/topics/no-such-topic", 404, "There is no topic &#39;no-such-topic&#39;"),
        ("/stories/999999", 404, "There is no story 999999."),
        ("/articles/999999", 404, "There is no article 999999."),
        ("/articles/abc", 422, "article_id: Input should be a valid integer"),
        (f"/topics/{TOPIC}?days=0", 422, "days: Input should be greater than or equal to 1"),
        ("/nowhere", 404, "Not Found"),
    ],
)
def test_a_bad_address_is_a_page_that_says_why(
    site: str, path: str, status: int, says: str
) -> None:
    answer, page = get(site + path)
    assert answer == status
    assert says in page and "<h1>" in page


def test_an_empty_database_gives_pages_that_say_so(engine: Engine, config: Config) -> None:
    with serving(create_app(Context(config, engine))) as base:
        status, overview = get(base + "/")
        assert status == 200
        assert "No stories on the configured topics in the week." in overview
        assert "No runs recorded yet." in overview
        status, topic = get(base + f"/topics/{TOPIC}")
        assert status == 200 and "No article on this topic in these days." in topic
