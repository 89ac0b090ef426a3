"""A workspace app over a small stored collection, for the access, API and search tests."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

from fastapi.testclient import TestClient

from mediamon.core.config import load_config
from mediamon.core.context import Context, open_engine
from mediamon.core.runs import finish_run, start_run
from mediamon.web.app import create_app
from tests.support import PROJECT_CONFIG
from tests.support.articles import MAY_22, Pipelines, make_article

TOKEN = "s3cret-token-for-tests"
CANARY = "canary-text-that-must-not-leak"
TOPIC = "belgorod-incursion"


def seed(database_url: str, config_dir: Path = PROJECT_CONFIG) -> Context:
    """Articles of two outlets in English and Russian, one of them a repeat of the story."""
    config = load_config(str(config_dir), database_url)
    engine = open_engine(config.settings.database_url)
    pipelines = Pipelines(engine)
    pipelines.run_batch(
        [
            make_article(
                f"https://meduza.io/en/news/{n}",
                f"Fighters crossed into the Belgorod region on day {n}. {CANARY} number {n}. "
                "The governor said shelling continued near Shebekino.",
                title=f"Incursion in Belgorod, day {n}",
                outlet_id="meduza-en",
                published=MAY_22 + timedelta(hours=n),
                topics=[TOPIC],
            )
            for n in range(5)
        ]
    )
    pipelines.run(
        make_article(
            "https://tass.ru/proisshestviya/1",
            "Губернатор Белгородской области сообщил об обстреле Шебекино.",
            title="Обстрел Шебекино",
            outlet_id="tass-ru",
            language="ru",
            published=MAY_22 + timedelta(hours=7),
            topics=[TOPIC],
        )
    )
    run = start_run(engine, "crawl:feeds:all")
    finish_run(engine, run, "errors", {}, ["feed https://example.org/rss failed: timeout"])
    return Context(config, engine)


def client(ctx: Context, token: str | None = None) -> Iterator[TestClient]:
    with TestClient(create_app(ctx, token), base_url="http://127.0.0.1") as running:
        yield running


def database_file(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path}/web.sqlite"
