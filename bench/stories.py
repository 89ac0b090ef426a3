"""Story grouping CPU per article: the stories stage of a crawl, against an earlier revision.

Usage: ``python bench/stories.py [--baseline REV] [--outlets 20] [--articles 100] [--default]``
builds (once, then reuses) a SQLite file of a generated outlet world's articles (``--default``:
the built-in multilingual world, whose articles share names and so join and merge stories) as a
crawl stores them: pages fetched over loopback, extracted with ``mediamon.extract.extractor`` and
stored with ``store_article``; ``--corpus FILE`` takes any such file instead.

Each measurement runs in its own process, on fresh copies of that file: ``StoriesPipeline`` takes
every article in the order it was stored, handed over as the store stage of a crawl lets them go
(batches of 64, in an asyncio loop) and, separately, one by one without a loop. Its CPU time
(``time.process_time``: SQLite's work counts, other processes on the machine do not) is divided by
the number of articles.

With ``--baseline``, the ``pipelines`` package of that git revision is measured the same way,
and the grouping of both is compared: the story sizes, whether the stories are exactly the same
sets of articles, and whether everything stored about them is the same (headlines, first
articles, time spans, scores, key counts and frequencies). The last line printed is a JSON object
with the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import inspect
import json
import shutil
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mediamon.core.db import open_database
from mediamon.core.models import ArticleRow, EntityKeyFrequency, Story, StoryKey, StoryMember
from mediamon.world import OutletWorld

REPO = Path(__file__).resolve().parents[1]
sys.path.append(str(REPO))  # bench.revisions

from bench.revisions import measured, package_at  # noqa: E402

CORPUS_DIRECTORY = Path(tempfile.gettempdir()) / "mediamon-bench-stories"
STORE_BATCH = 64  # pipelines.store.BATCH_SIZE


def build_corpus(path: Path, world: OutletWorld) -> None:
    """Store the (running) world's articles, earliest published first, as a crawl would."""
    from mediamon.core.article import Article
    from mediamon.extract.extractor import extract
    from mediamon.store.saving import store_article

    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    engine = open_database(f"sqlite:///{partial}")
    for served in sorted(world.articles, key=lambda a: (a.published, a.url)):
        with urllib.request.urlopen(served.url, timeout=30) as response:
            html = response.read()
        extracted = extract(html, served.url, encoding=served.encoding)
        if extracted is None:
            continue
        item = Article(
            url=served.url,
            outlet_id=served.outlet_id,
            html=html,
            encoding=served.encoding,
            fetched_at=served.published,
            title=extracted.title,
            text=extracted.text,
            published_at=extracted.published or served.published,
            language=extracted.language,
            canonical_url=extracted.canonical_url or served.url,
        )
        store_article(engine, item)
    engine.dispose()
    partial.rename(path)


def corpus_path(outlets: int, per_outlet: int, default: bool) -> Path:
    """The stored articles of the world, built unless a file of the same articles, served by the
    same world code, exists."""
    world = OutletWorld() if default else OutletWorld.generated(outlets, per_outlet)
    with world:
        content = [(a.path, a.title, a.published.isoformat(), a.body) for a in world.articles]
        code = [file.read_bytes() for file in sorted((REPO / "mediamon/world").glob("*.*"))]
        path = CORPUS_DIRECTORY / f"{_digest((content, code))[:12]}.sqlite"
        if not path.exists():
            CORPUS_DIRECTORY.mkdir(parents=True, exist_ok=True)
            print(f"building {path} (once)", file=sys.stderr, flush=True)
            build_corpus(path, world)
    return path


def measure(corpus: Path) -> dict[str, Any]:
    """Group copies of ``corpus`` with the ``pipelines`` package on the path, as a crawl does
    and one article at a time; CPU per article, and the grouping (the same both ways)."""
    from pipelines.stories import StoriesPipeline

    figures: dict[str, Any] = {"source": sys.modules[StoriesPipeline.__module__].__file__}
    grouped = []
    for crawl in (True, False):
        with tempfile.TemporaryDirectory() as directory:
            copy = Path(directory) / "bench.sqlite"
            shutil.copyfile(corpus, copy)
            engine = open_database(f"sqlite:///{copy}")
            items = _items(engine)
            pipeline = StoriesPipeline(engine)
            started = time.process_time()
            asyncio.run(_crawl(pipeline, items)) if crawl else _one_by_one(pipeline, items)
            seconds = time.process_time() - started
            stories = _stories(engine)
            stored = _stored(engine, stories)
            engine.dispose()
        name = "cpu_ms_per_article" if crawl else "cpu_ms_one_by_one"
        figures[name] = round(seconds * 1000 / len(items), 3)
        grouped.append(_digest(stored))
    sizes = Counter(len(members) for members in stories.values())
    return figures | {
        "articles": len(items),
        "stories": len(stories),
        "story_sizes": {str(size): count for size, count in sorted(sizes.items())},
        "partition_sha1": _digest(sorted(stories.values())),
        "stored_sha1": _digest(stored),
        "same_both_ways": grouped[0] == grouped[1],
    }


async def _crawl(pipeline: Any, items: list[Any]) -> None:
    """Hand ``items`` over in the batches the store stage lets go together, as in a crawl."""
    for start in range(0, len(items), STORE_BATCH):
        handed = [pipeline.process_item(item) for item in items[start : start + STORE_BATCH]]
        for result in handed:
            if inspect.isawaitable(result):
                await result
    if hasattr(pipeline, "close_spider"):
        pipeline.close_spider()


def _one_by_one(pipeline: Any, items: list[Any]) -> None:
    for item in items:
        pipeline.process_item(item)


def _items(engine: Any) -> list[Any]:
    """The stored articles as the store stage hands them on, in the order they were stored."""
    from mediamon.core.article import Article

    columns = [getattr(ArticleRow, name) for name in ITEM_COLUMNS]
    with Session(engine) as session:
        rows = session.execute(select(*columns).order_by(ArticleRow.id)).all()
    return [Article(html=b"", **dict(zip(ITEM_COLUMNS, row, strict=True))) for row in rows]


ITEM_COLUMNS = (
    "id",
    "url",
    "outlet_id",
    "encoding",
    "fetched_at",
    "title",
    "text",
    "published_at",
    "language",
    "canonical_url",
    "content_hash",
    "duplicate_of",
)


def _stories(engine: Any) -> dict[int, tuple[int, ...]]:
    """The article ids of each story, by story id."""
    with Session(engine) as session:
        pairs = session.execute(select(StoryMember.story_id, StoryMember.article_id)).all()
    members: dict[int, list[int]] = {}
    for story_id, article_id in pairs:
        members.setdefault(story_id, []).append(article_id)
    return {story_id: tuple(sorted(ids)) for story_id, ids in members.items()}


def _stored(engine: Any, stories: dict[int, tuple[int, ...]]) -> list[Any]:
    """What is stored about each story and key, with stories named by their articles (story
    ids depend on how many were started and merged away)."""
    with Session(engine) as session:
        rows = session.execute(
            select(
                Story.id, Story.headline, Story.first_outlet_id, Story.first_article_id
            ).add_columns(Story.first_seen_at, Story.last_seen_at, Story.article_count)
        ).all()
        keys = session.execute(select(StoryKey.story_id, StoryKey.key, StoryKey.articles)).all()
        members = session.execute(select(StoryMember.article_id, StoryMember.score)).all()
        frequencies = session.execute(
            select(EntityKeyFrequency.key, EntityKeyFrequency.articles).where(
                EntityKeyFrequency.key != ""
            )
        ).all()
    return [
        sorted((stories[story_id], *map(str, rest)) for story_id, *rest in rows),
        sorted((stories[story_id], key, count) for story_id, key, count in keys),
        sorted((article_id, round(score, 9)) for article_id, score in members),
        sorted(tuple(row) for row in frequencies),
    ]


def _digest(value: Any) -> str:
    return hashlib.sha1(repr(value).encode()).hexdigest()


def report(name: str, figures: dict[str, Any]) -> None:
    print(
        f"{name:>9}: {figures['cpu_ms_per_article']:.3f} ms CPU per article "
        f"({figures['cpu_ms_one_by_one']:.3f} one by one), {figures['stories']} stories, "
        f"sizes {figures['story_sizes']}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--outlets", type=int, default=20)
    parser.add_argument("--articles", type=int, default=100, help="per outlet")
    parser.add_argument("--default", action="store_true", help="the built-in world instead")
    parser.add_argument("--corpus", type=Path, help="a SQLite file of stored articles instead")
    parser.add_argument("--baseline", help="git revision whose pipelines/ to compare against")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return
    corpus = args.corpus or corpus_path(args.outlets, args.articles, args.default)
    current = measured(__file__, str(corpus), REPO)
    report("current", current)
    figures: dict[str, Any] = {"current": current}
    if args.baseline:
        with tempfile.TemporaryDirectory() as directory:
            pipelines = package_at(args.baseline, "pipelines", Path(directory))
            baseline = measured(__file__, str(corpus), pipelines)
        report("baseline", baseline)
        figures |= {
            "baseline": baseline,
            "speedup": round(baseline["cpu_ms_per_article"] / current["cpu_ms_per_article"], 2),
            "same_sizes": baseline["story_sizes"] == current["story_sizes"],
            "same_stories": baseline["partition_sha1"] == current["partition_sha1"],
            "same_stored": baseline["stored_sha1"] == current["stored_sha1"],
        }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
