"""The topics item pipeline: a Scrapy adapter around mediamon.query.topics.TopicTagger."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, tzinfo
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.statscollectors import StatsCollector

from mediamon.core.article import Article
from mediamon.core.config_models import TopicModel
from mediamon.core.context import context_from_settings
from mediamon.query.topics import TopicTagger


class TopicsPipeline:
    """Sets ``Article.topics``; counts ``mediamon/topics/tagged`` and ``mediamon/topics/<id>``."""

    def __init__(
        self,
        topics: Sequence[TopicModel],
        stats: StatsCollector | None = None,
        zone: tzinfo = UTC,
    ) -> None:
        self.tagger = TopicTagger(topics, zone)
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> TopicsPipeline:
        config = context_from_settings(crawler.settings).config
        if not config.topics:
            raise NotConfigured("no topics in topics.yaml")
        return cls(config.topics, crawler.stats, config.settings.zone)

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if not isinstance(item, Article):
            return item
        item.topics = self.tagger.tag(
            item.title or item.hint_title, item.text, item.language, item.trusted_published
        )
        if self.stats is not None and item.topics:
            self.stats.inc_value("mediamon/topics/tagged")
            for topic_id in item.topics:
                self.stats.inc_value(f"mediamon/topics/{topic_id}")
        return item
