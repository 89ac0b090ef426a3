"""An article request as it travels from a distributed crawl's feeder (scrapers.handoff) through
Redis to the workers' article spider: plain JSON, readable by any version."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime

from scrapy import Request

from scrapers.spiders.base import OUTLET_META
from scrapers.spiders.entries import FeedEntry, parse_iso_datetime


@dataclass(frozen=True)
class ArticleHandoff:
    """An article request as it travels through Redis: plain JSON, readable by any version."""

    url: str
    outlet_id: str
    source_url: str | None
    title: str | None
    published: str | None
    refetch_since: str | None = None
    """For a stored article the feeder chose to fetch again (its listing says it was edited):
    when it was last fetched, ISO 8601."""

    @property
    def refetch(self) -> bool:
        return self.refetch_since is not None

    @classmethod
    def of(cls, request: Request) -> ArticleHandoff:
        entry: FeedEntry = request.meta["entry"]
        published = entry.published.isoformat() if entry.published else None
        source = request.meta.get("source_url")
        outlet_id = request.meta[OUTLET_META]
        since = entry.refetch_since.isoformat() if entry.refetch_since else None
        return cls(request.url, outlet_id, source, entry.title, published, since)

    @classmethod
    def from_json(cls, data: bytes | str) -> ArticleHandoff:
        fields = json.loads(data)
        return cls(**{name: fields.get(name) for name in cls.__dataclass_fields__})

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    def entry(self) -> FeedEntry:
        published = datetime.fromisoformat(self.published) if self.published else None
        since = parse_iso_datetime(self.refetch_since)
        return FeedEntry(self.url, self.title, published, refetch_since=since)
