"""Building articles as the extract stage hands them on, and running them through to store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from mediamon.core.article import Article
from pipelines.store import StorePipeline
from pipelines.stories import StoriesPipeline
from pipelines.topics import TopicsPipeline

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
        self.topics = topics
        self.store = StorePipeline(engine)
        self.stories = StoriesPipeline(engine)

    def run(self, item: Article) -> Article:
        return self.run_batch([item])[0]

    def run_batch(self, items: list[Article]) -> list[Article]:
        """Articles that reach the store together, as in a crawl's batch."""
        if self.topics is not None:
            items = [self.topics.process_item(item) for item in items]
        self.store.store(items)
        return [self.stories.process_item(item) for item in items]
