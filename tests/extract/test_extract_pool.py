"""Extraction in worker processes: same texts as in-process, and a dying worker loses one page."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
import yaml
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler
from sqlalchemy import select
from sqlalchemy.orm import Session

from mediamon.core.article import Article
from mediamon.core.db import open_database
from mediamon.core.models import ArticleRow
from mediamon.extract.pool import ExtractionPool
from pipelines.extract_pipeline import ExtractPipeline
from tests.extract.test_learned import page
from tests.support import PROJECT_CONFIG, run_mediamon
from tests.support.crashing_extraction import CRASH_MARKER, RAISE_MARKER, crash_on_marker


def crawl_with_processes(world: Any, directory: Path, processes: int) -> dict[str, str]:
    config = world.write_config(directory / "config", PROJECT_CONFIG / "topics.yaml")
    settings = yaml.safe_load((config / "settings.yaml").read_text(encoding="utf-8"))
    settings["crawling"] = {"extract_processes": processes}
    (config / "settings.yaml").write_text(yaml.safe_dump(settings), encoding="utf-8")
    url = f"sqlite:///{directory}/m.sqlite"
    run_mediamon("crawl", "--config", str(config), "--database-url", url)
    with Session(open_database(url)) as session:
        return {url: text for url, text in session.execute(select(ArticleRow.url, ArticleRow.text))}


@pytest.mark.e2e
def test_a_pool_of_two_stores_the_same_texts_as_in_process(world: Any, tmp_path: Path) -> None:
    in_process = crawl_with_processes(world, tmp_path / "inline", 0)
    pooled = crawl_with_processes(world, tmp_path / "pool", 2)
    assert len(in_process) == len(world.articles)
    assert pooled == in_process


async def extract_all(pipeline: ExtractPipeline, items: list[Article]) -> list[Any]:
    runs = [pipeline.process_item(item) for item in items]
    return await asyncio.gather(*runs, return_exceptions=True)


def test_a_worker_dying_drops_only_its_page(config_dir: Path) -> None:
    pipeline = ExtractPipeline({}, None, get_crawler().stats)
    pipeline.pool = ExtractionPool(2, work=crash_on_marker)
    items = [page(number) for number in range(1, 7)]
    items[2].html += CRASH_MARKER
    try:
        results = asyncio.run(extract_all(pipeline, items))
    finally:
        pipeline.close_spider()
    dropped = [r for r in results if isinstance(r, DropItem)]
    assert [str(d) for d in dropped] == [f"extraction crashed its worker process on {items[2].url}"]
    assert all(r.title == f"Story {n}" for n, r in enumerate(results, 1) if n != 3)
    assert pipeline.stats.get_value("mediamon/extract/worker_crashed") == 1


@pytest.mark.parametrize("processes", [0, 2])
def test_an_extraction_error_drops_the_page_with_the_reason(processes: int) -> None:
    pipeline = ExtractPipeline({}, None, get_crawler().stats)
    pipeline.pool = ExtractionPool(processes, work=crash_on_marker)
    broken = page(1)
    broken.html += RAISE_MARKER
    try:
        with pytest.raises(DropItem, match=r"extraction failed on .*/story: ValueError"):
            asyncio.run(pipeline.process_item(broken))
        assert asyncio.run(pipeline.process_item(page(2))).title == "Story 2"
    finally:
        pipeline.close_spider()
