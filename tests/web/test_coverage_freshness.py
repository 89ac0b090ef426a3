"""The Topic page's and the Overview's coverage and the Outlets page's counts are computed once
per state of the store, and never shown stale: an article another process stores appears at
once."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from mediamon.core.config import Config, load_config
from mediamon.core.db import open_database
from mediamon.web.queries.coverage import DayCoverage, overview, topic_coverage
from mediamon.web.queries.outlets import outlets_health
from tests.web.test_coverage_pages import MAY_10, SHEBEKINO_MAY_10, SHEBEKINO_MAY_11, TOPIC, WEEK
from tests.web.test_coverage_pages import store as store_article

REPO = Path(__file__).resolve().parents[2]
# Stores one article on the topic, in a process of its own: the writer a page's cache must see.
WRITER = """
import sys
from datetime import datetime
from mediamon.core.db import open_database
from tests.support.articles import Pipelines, make_article
url, text, outlet, published = sys.argv[2:6]
item = make_article(url, text, outlet_id=outlet, published=datetime.fromisoformat(published),
                    topics=[sys.argv[6]])
Pipelines(open_database(sys.argv[1])).run(item)
"""


@pytest.fixture
def engine(database_url: str) -> Engine:
    return open_database(database_url)


@pytest.fixture
def config(config_dir: Path, database_url: str) -> Config:
    return load_config(config_dir, database_url)


def store_elsewhere(database_url: str, url: str, text: list[str], outlet: str, when: str) -> None:
    command = [
        sys.executable,
        "-c",
        WRITER,
        database_url,
        url,
        "\n".join(text),
        outlet,
        when,
        TOPIC,
    ]
    subprocess.run(command, cwd=REPO, check=True, timeout=120)


def store_moscow_times(engine: Engine) -> None:
    url = "https://themoscowtimes.com/a/1"
    store_article(engine, url, SHEBEKINO_MAY_10, outlet_id="moscowtimes", published=MAY_10)


def articles_on(chart: tuple[DayCoverage, ...], day: str) -> int:
    return sum(d.articles for d in chart if str(d.day) == day)


def test_a_topic_computed_once_shows_an_article_another_process_stored(
    engine: Engine, config: Config, database_url: str
) -> None:
    store_moscow_times(engine)
    first = topic_coverage(engine, config, TOPIC, WEEK)
    assert topic_coverage(engine, config, TOPIC, WEEK) is first  # nothing changed: kept
    assert articles_on(first.chart, "2023-05-11") == 0

    when = (MAY_10 + timedelta(days=1)).isoformat()
    store_elsewhere(database_url, "https://kyivindependent.com/a/1", SHEBEKINO_MAY_11,
                    "kyivindependent", when)  # fmt: skip

    now = topic_coverage(engine, config, TOPIC, WEEK)
    assert articles_on(now.chart, "2023-05-11") == 1
    assert len(now.stories) == len(first.stories) + 1
    assert topic_coverage(engine, config, TOPIC, WEEK) is now


def test_the_overview_counts_an_article_another_process_stored(
    engine: Engine, config: Config, database_url: str
) -> None:
    store_moscow_times(engine)
    before = {t.id: t.articles_week for t in overview(engine, config).topics}
    assert before[TOPIC] == 1

    when = (MAY_10 + timedelta(hours=3)).isoformat()
    store_elsewhere(database_url, "https://bbc.com/a/1", SHEBEKINO_MAY_10, "bbc", when)

    after = {t.id: t.articles_week for t in overview(engine, config).topics}
    assert after[TOPIC] == 2


def test_the_outlets_count_an_article_another_process_stored(
    engine: Engine, config: Config, database_url: str
) -> None:
    store_moscow_times(engine)
    before = {o.id: o.articles for o in outlets_health(engine, config)}
    assert before["moscowtimes"] == 1 and before["bbc"] == 0

    when = (MAY_10 + timedelta(hours=3)).isoformat()
    store_elsewhere(database_url, "https://bbc.com/a/1", SHEBEKINO_MAY_10, "bbc", when)

    after = {o.id: o.articles for o in outlets_health(engine, config)}
    assert after["moscowtimes"] == 1 and after["bbc"] == 1
