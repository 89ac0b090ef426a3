"""Building digest test databases: real SQLite files filled through the store pipeline, or in
bulk through Core inserts when a test needs thousands of articles."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from click.testing import CliRunner, Result
from sqlalchemy import Engine, insert

from mediamon.cli import main
from mediamon.core.article import Article
from mediamon.core.models import ArticleRow, ArticleTopic, compress_html
from mediamon.store.saving import store_article

BERLIN = ZoneInfo("Europe/Berlin")  # the project config's settings.timezone
DAY = date(2023, 5, 22)
TOPIC = "belgorod-incursion"
LEAD = "Armed groups crossed from Ukraine into the Belgorod region on Monday, officials said."
_serial = itertools.count(1)


def at(hour: int, minute: int = 0, day: date = DAY) -> datetime:
    """A time on ``day`` in Berlin (the digest's zone), as stored: aware UTC."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=BERLIN).astimezone(UTC)


def add_article(
    engine: Engine,
    outlet_id: str,
    title: str,
    published: datetime | None,
    *,
    text: str = LEAD,
    topics: Sequence[str] = (TOPIC,),
    url: str | None = None,
    duplicate_of: int | None = None,
    fetched: datetime | None = None,
) -> int:
    """Store one article as the store pipeline would; return its id."""
    item = Article(
        url=url or f"https://{outlet_id}.example/news/{next(_serial)}",
        outlet_id=outlet_id,
        html=b"<html></html>",
        encoding="utf-8",
        fetched_at=fetched or (published or at(12)) + timedelta(minutes=5),
        title=title,
        text=text,
        published_at=published,
        topics=list(topics),
        duplicate_of=duplicate_of,
    )
    stored = store_article(engine, item)
    assert stored is not None
    return stored


def add_many(engine: Engine, count: int, outlets: Sequence[str], topic: str | None = TOPIC) -> None:
    """``count`` distinct on-topic articles spread over DAY, in one bulk insert."""
    first_id = 1_000_000
    rows = [_bulk_row(first_id + n, outlets[n % len(outlets)], n, count) for n in range(count)]
    with engine.begin() as connection:
        connection.execute(insert(ArticleRow), rows)
        if topic:
            links = [{"article_id": row["id"], "topic_id": topic} for row in rows]
            connection.execute(insert(ArticleTopic), links)


def _bulk_row(article_id: int, outlet_id: str, n: int, count: int) -> dict[str, object]:
    published = at(0) + timedelta(seconds=n * 86_000 // count)
    return {
        "id": article_id,
        "url": f"https://{outlet_id}.example/bulk/{n}",
        "canonical_url": f"https://{outlet_id}.example/bulk/{n}",
        "outlet_id": outlet_id,
        "title": f"Shelling report number {n}",
        "authors": [],
        "published_at": published,
        "fetched_at": published + timedelta(minutes=3),
        "text": f"Report {n}. {LEAD}",
        "raw_html": compress_html(b""),
        "encoding": "utf-8",
        "removed": {},
    }


def run_digest_cli(config_dir: Path, database: Path | str, *args: str) -> Result:
    """`mediamon digest ...` in this process, against ``database`` (a SQLite file or a URL)."""
    url = database if isinstance(database, str) else f"sqlite:///{database}"
    command = ["digest", "--config", str(config_dir), "--database-url", url]
    return CliRunner().invoke(main, [*command, *args], catch_exceptions=False)
