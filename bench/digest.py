"""Digest benchmark: the same day's digest on a 10,000- and on a 1,000,000-article database.

Both databases hold about 1,000 articles a day and the same articles on the digest day, so any
slowdown on the big one comes from queries that scan instead of using an index. Target: the
1M digest takes at most twice as long as the 10k one.

    .venv/bin/python bench/digest.py [CACHE_DIR]

Databases are built once into CACHE_DIR (default: a temporary directory) and reused. The last
line printed is JSON: {"digest_s_10k": ..., "digest_s_1m": ..., "ratio": ...}.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from mediamon.core.config import Config, load_config
from mediamon.core.db import open_database
from mediamon.core.models import compress_html
from mediamon.digest.build import build_digest, day_window
from mediamon.digest.render import render_html, render_markdown

REPO = Path(__file__).resolve().parents[1]
DIGEST_DAY = date(2023, 5, 22)
PER_DAY = 1_000
TOPIC = "belgorod-incursion"
BATCH = 50_000
REPEATS = 5
STORED_TIME = "%Y-%m-%d %H:%M:%S.%f"  # how SQLAlchemy stores DateTime in SQLite
ARTICLE_SQL = (
    "INSERT INTO articles (id, url, canonical_url, outlet_id, title, authors, published_at,"
    " fetched_at, language, text, raw_html, encoding, removed, is_teaser, content_hash,"
    " duplicate_of) VALUES (?, ?, ?, ?, ?, '[]', ?, ?, 'en', ?, ?, 'utf-8', '{}', 0, ?, ?)"
)
EMPTY_HTML = compress_html(b"")
TOPIC_SQL = "INSERT INTO article_topics (article_id, topic_id) VALUES (?, ?)"
WORDS = [
    "officials",
    "said",
    "the",
    "region",
    "shelling",
    "border",
    "drones",
    "forces",
    "village",
    "governor",
    "residents",
    "evacuated",
    "attack",
    "claimed",
    "ministry",
    "defence",
    "reported",
    "overnight",
    "statement",
    "sources",
]


def article_rows(day_offset: int, outlets: list[str]) -> Iterator[tuple[object, ...]]:
    """The articles of one day, the same for a given day offset in every database."""
    rng = random.Random(day_offset)
    day_start = datetime.combine(DIGEST_DAY, datetime.min.time(), UTC)
    day_start += timedelta(days=day_offset)
    for n in range(PER_DAY):
        article_id = (day_offset + 1_000_000) * PER_DAY + n
        outlet = outlets[rng.randrange(len(outlets))]
        moment = day_start + timedelta(seconds=rng.randrange(86_400))
        published = None if n % 10 == 9 else moment.strftime(STORED_TIME)
        fetched = (moment + timedelta(minutes=rng.randrange(1, 90))).strftime(STORED_TIME)
        copy_of = article_id - 1 if n % 7 == 6 else None
        url = f"https://{outlet}.example/{day_offset}/{n}"
        title = " ".join(rng.choice(WORDS) for _ in range(9)).capitalize()
        text = "\n".join(" ".join(rng.choice(WORDS) for _ in range(40)) for _ in range(3))
        content_hash = f"{day_offset}-{n}"
        yield (
            article_id,
            url,
            url,
            outlet,
            title,
            published,
            fetched,
            text,
            EMPTY_HTML,
            content_hash,
            copy_of,
        )


def build_database(path: Path, days: int, config: Config) -> None:
    """Articles on ``days`` days centred on DIGEST_DAY, in big raw transactions."""
    open_database(f"sqlite:///{path}").dispose()  # the schema, through the migrations
    outlets = [outlet.id for outlet in config.outlets]
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA synchronous=OFF")
    rows: list[tuple[object, ...]] = []
    for offset in range(-(days // 2), days - days // 2):
        rows.extend(article_rows(offset, outlets))
        if len(rows) >= BATCH:
            _insert(connection, rows)
            rows = []
    _insert(connection, rows)
    connection.execute("ANALYZE")
    connection.close()


def _insert(connection: sqlite3.Connection, rows: list[tuple[object, ...]]) -> None:
    with connection:
        connection.executemany(ARTICLE_SQL, rows)
        on_topic = [(row[0], TOPIC) for row in rows if _article_id(row) % 3 == 0]
        connection.executemany(TOPIC_SQL, on_topic)


def _article_id(row: tuple[object, ...]) -> int:
    article_id = row[0]
    assert isinstance(article_id, int)
    return article_id


def schema_fingerprint() -> str:
    """Changes whenever a migration does, so a cached database always has today's schema."""
    digest = hashlib.sha256()
    for migration in sorted((REPO / "mediamon" / "migrations").rglob("*.py")):
        digest.update(migration.read_bytes())
    return digest.hexdigest()[:12]


def database(cache: Path, articles: int, config: Config) -> Path:
    path = cache / f"digest-{articles}-{schema_fingerprint()}.sqlite"
    if not path.exists():
        started = time.perf_counter()
        partial = path.with_suffix(".building")
        partial.unlink(missing_ok=True)
        build_database(partial, articles // PER_DAY, config)
        partial.rename(path)
        print(f"built {path} in {time.perf_counter() - started:.1f} s", flush=True)
    return path


def time_digest(path: Path, config: Config) -> float:
    """Best of REPEATS: build the day's digest and render it as HTML and Markdown."""
    engine = open_database(f"sqlite:///{path}")
    start, end = day_window(DIGEST_DAY, config.settings.zone)
    best = float("inf")
    for _ in range(REPEATS):
        started = time.perf_counter()
        digest = build_digest(engine, config, start, end)
        render_html(digest)
        render_markdown(digest)
        best = min(best, time.perf_counter() - started)
    print(
        f"{path.name}: {digest.article_count} articles, {digest.story_count} stories, {best:.3f} s"
    )
    engine.dispose()
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("cache", nargs="?", help="keep the seeded databases here (default: none)")
    args = parser.parse_args()
    config = load_config(str(REPO / "config"), None)
    with tempfile.TemporaryDirectory(prefix="mediamon-bench-") as scratch:
        cache = Path(args.cache) if args.cache else Path(scratch)
        cache.mkdir(parents=True, exist_ok=True)
        small = time_digest(database(cache, 10_000, config), config)
        large = time_digest(database(cache, 1_000_000, config), config)
    result = {"digest_s_10k": round(small, 4), "digest_s_1m": round(large, 4)}
    print(json.dumps(result | {"ratio": round(large / small, 3)}))


if __name__ == "__main__":
    main()
