"""What a listing (feed, sitemap, archive page) says about one article it links to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class FeedEntry:
    link: str
    title: str | None
    published: datetime | None
