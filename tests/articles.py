"""Building articles as the extract stage hands them on, and running them through dedup to store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine

from pipelines.dedup import DedupPipeline
from pipelines.store import StorePipeline
from pipelines.stories import StoriesPipeline
from pipelines.topics import TopicsPipeline
from scrapers.items import Article

MAY_22 = datetime(2023, 5, 22, 9, 0, tzinfo=UTC)


def make_article(
    url: str,
    text: str,
    *,
    title: str = "A headline",
    outlet_id: str = "wire",
    published: datetime = MAY_22,
    language: str = "en",
    topics: list[str] | None = None,
) -> Article:
    return Article(
        url=url,
        outlet_id=outlet_id,
        html=f"<html><body>{text}</body></html>".encode(),
        encoding="utf-8",
        fetched_at=published + timedelta(minutes=10),
        title=title,
        text=text,
        published_at=published,
        language=language,
        canonical_url=url,
        topics=topics or [],
    )


class Pipelines:
    """The pipelines after extraction, in crawl order, without a crawler."""

    def __init__(self, engine: Engine, topics: TopicsPipeline | None = None) -> None:
        self.stages: list[Any] = [
            DedupPipeline(engine),
            *([topics] if topics else []),
            StorePipeline(engine),
            StoriesPipeline(engine),
        ]

    def run(self, item: Article) -> Article:
        for stage in self.stages:
            item = stage.process_item(item)
        return item
