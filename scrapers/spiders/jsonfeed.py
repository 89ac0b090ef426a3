"""JSON Feed (https://jsonfeed.org) 1.0/1.1, which feedparser does not read."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urldefrag, urljoin

from scrapy.http import Response

from scrapers.spiders.entries import FeedEntry, parse_iso_datetime

JSON_FEED_VERSION = "https://jsonfeed.org/version/"


def is_json_feed(response: Response) -> bool:
    content_type = (response.headers.get("Content-Type") or b"").decode("latin-1").lower()
    return "json" in content_type or response.body.lstrip()[:1] == b"{"


def json_feed_entries(body: bytes, feed_url: str) -> list[FeedEntry]:
    """The feed's items with a URL; an unreadable document has none."""
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return []
    if not isinstance(document, dict) or not str(document.get("version", "")).startswith(
        JSON_FEED_VERSION
    ):
        return []
    entries = [_entry(item, feed_url) for item in document.get("items") or []]
    return [entry for entry in entries if entry is not None]


def _entry(item: Any, feed_url: str) -> FeedEntry | None:
    if not isinstance(item, dict):
        return None
    link = item.get("url") or item.get("id")
    if not isinstance(link, str) or not link.strip():
        return None
    url = urldefrag(urljoin(feed_url, link.strip()))[0]
    return FeedEntry(url, item.get("title"), parse_iso_datetime(item.get("date_published")))
