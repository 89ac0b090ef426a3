"""Topic tagging: which of the configured topics each article belongs to.

Every topic's query is compiled once; each article is tokenised and stemmed once and all
topics are evaluated against that one analysis. The tagger reads a topic through the
TopicSpec protocol (mediamon.core.config_models.TopicModel is one), so the query language
stays a leaf that imports nothing else of mediamon.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from typing import Protocol

from mediamon.query.parser import Query, parse_query
from mediamon.query.stemming import normalize_language
from mediamon.query.text_analysis import analyze_article


class TopicSpec(Protocol):
    """What the tagger reads from a configured topic."""

    @property
    def id(self) -> str: ...
    @property
    def query(self) -> str: ...
    @property
    def languages(self) -> Sequence[str]: ...
    @property
    def since(self) -> date | None: ...
    @property
    def until(self) -> date | None: ...


@dataclass(frozen=True)
class CompiledTopic:
    id: str
    query: Query
    languages: frozenset[str]
    since: date | None
    until: date | None

    @classmethod
    def compile(cls, topic: TopicSpec) -> CompiledTopic:
        languages = frozenset(filter(None, map(normalize_language, topic.languages)))
        return cls(topic.id, parse_query(topic.query), languages, topic.since, topic.until)

    def applies_to(self, language: str | None, published_day: date | None) -> bool:
        """Whether the topic's language and date window admit the article (unknowns admit)."""
        if language and self.languages and language not in self.languages:
            return False
        if published_day is None:
            return True
        after_start = self.since is None or published_day >= self.since
        return after_start and (self.until is None or published_day <= self.until)


class TopicTagger:
    """Tags articles with the ids of the topics whose queries match them."""

    def __init__(self, topics: Sequence[TopicSpec], zone: tzinfo = UTC) -> None:
        self.topics = [CompiledTopic.compile(topic) for topic in topics]
        self.zone = zone

    def tag(
        self,
        title: str | None,
        text: str | None,
        language: str | None,
        published: datetime | None = None,
    ) -> list[str]:
        """The ids of the matching topics, in config order.

        A topic with ``languages`` skips articles known to be in another language; ``since`` and
        ``until`` (inclusive days in the tagger's time zone) skip articles published outside
        them. An article whose language or date is unknown is not skipped on that account.
        """
        code = normalize_language(language)
        day = self._local_day(published)
        candidates = [topic for topic in self.topics if topic.applies_to(code, day)]
        if not candidates:
            return []
        analysis = analyze_article(title, text, code)
        return [topic.id for topic in candidates if topic.query.matches_analysis(analysis)]

    def _local_day(self, moment: datetime | None) -> date | None:
        if moment is None:
            return None
        # Naive times in the pipeline are UTC (see mediamon.core.article.Article).
        aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        return aware.astimezone(self.zone).date()
