"""JSON Feed (https://jsonfeed.org) 1.0/1.1, which feedparser does not read."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from scrapy.http import Response

from scrapers.spiders.entries import FeedEntry, listed_entry, parse_iso_datetime

JSON_FEED_VERSION = "https://jsonfeed.org/version/"


@dataclass
class JsonFeed:
    """The usable entries of a JSON Feed, at most the cap asked for, and how many items were
    left unread beyond it."""

    entries: list[FeedEntry] = field(default_factory=list)
    excess: int = 0


def is_json_feed(response: Response) -> bool:
    content_type = (response.headers.get("Content-Type") or b"").decode("latin-1").lower()
    return "json" in content_type or response.body.lstrip()[:1] == b"{"


def json_feed_entries(body: bytes, feed_url: str, limit: int | None = None) -> JsonFeed:
    """The feed's items with a URL (at most the first ``limit`` items are read); an unreadable
    document has none."""
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return JsonFeed()
    if not isinstance(document, dict) or not str(document.get("version", "")).startswith(
        JSON_FEED_VERSION
    ):
        return JsonFeed()
    items = document.get("items")
    if not isinstance(items, list):
        return JsonFeed()
    excess = max(0, len(items) - limit) if limit is not None else 0
    entries = [_entry(item, feed_url) for item in items[: len(items) - excess]]
    return JsonFeed([entry for entry in entries if entry is not None], excess)


def _entry(item: Any, feed_url: str) -> FeedEntry | None:
    if not isinstance(item, dict):
        return None
    link = item.get("url")
    if not isinstance(link, str) or not link.strip():
        link = item.get("id")
    published = parse_iso_datetime(item.get("date_published"))
    updated = parse_iso_datetime(item.get("date_modified"))
    return listed_entry(link, item.get("title"), published, feed_url, updated)
