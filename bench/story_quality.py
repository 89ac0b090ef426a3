"""How well stories are grouped on a realistic stream (``bench/story_stream.py``), and how fast.

Usage: ``python bench/story_quality.py [--baseline REV]``. The stream's articles are stored in a
fresh SQLite file and grouped by ``mediamon.stories.grouping`` as a crawl groups them (batches of
64 in one transaction each), twice: in the order a crawl collects them, and in order of
publication. Each run prints one JSON line: B-cubed precision, recall and F1 against the labelled
stories, B-cubed precision against the events, the largest story's share of the articles, the
share of articles alone in a story, the share of articles in a story with another language, the
share of events covered in several languages that have a story in several, and articles grouped
per second of CPU (``time.process_time``, SQLite's work included). With ``--baseline``, the
``mediamon`` package of that git revision is measured the same way, in its own process.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter, defaultdict
from datetime import timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.append(str(REPO))  # the stream generator; mediamon from PYTHONPATH first

from bench.revisions import measured, package_at  # noqa: E402
from bench.story_stream import StreamArticle, generate  # noqa: E402

BATCH = 64
ORDERS = ("collected", "published")


def measure(order: str) -> dict[str, Any]:
    from mediamon.core.db import open_database
    from mediamon.stories.grouping import NewArticle, assign, grouping

    stream = generate()
    arrival = sorted(stream, key=lambda a: a.collected if order == "collected" else a.moment)
    with tempfile.TemporaryDirectory() as directory:
        engine = open_database(f"sqlite:///{directory}/bench.sqlite")
        ids = _store(engine, stream)
        new = [
            NewArticle(ids[a.number], a.outlet_id, a.title, a.moment, a.text, _copied(a, ids))
            for a in arrival
        ]
        started = time.process_time()
        for start in range(0, len(new), BATCH):
            with grouping(engine) as transaction:
                for article in new[start : start + BATCH]:
                    assign(transaction, article)
        seconds = time.process_time() - started
        found = _stories(engine)
        engine.dispose()
    by_id = {ids[a.number]: a for a in stream}
    figures = scores(by_id, found)
    return {"order": order, **figures, "articles_per_s": round(len(new) / seconds, 1)}


def _copied(article: StreamArticle, ids: dict[int, int]) -> int | None:
    return ids[article.copy_of] if article.copy_of is not None else None


def _store(engine: Any, stream: list[StreamArticle]) -> dict[int, int]:
    """Store the stream's articles (copies pointing at their originals); their ids by number."""
    from sqlalchemy import insert

    from mediamon.core.models import ArticleRow

    rows = [
        {
            "id": n + 1,
            "url": f"https://{a.outlet_id}.example/{a.number}",
            "canonical_url": f"https://{a.outlet_id}.example/{a.number}",
            "outlet_id": a.outlet_id,
            "fetched_at": a.collected,
            "published_at": None if a.moment != a.published else a.published,
            "title": a.title,
            "text": a.text,
            "language": a.language,
            "raw_html": b"",
            "encoding": "utf-8",
        }
        for n, a in enumerate(stream)
    ]
    ids = {a.number: n + 1 for n, a in enumerate(stream)}
    for row, article in zip(rows, stream, strict=True):
        row["duplicate_of"] = _copied(article, ids)
    with engine.begin() as connection:
        connection.execute(insert(ArticleRow), rows)
    return ids


def _stories(engine: Any) -> dict[int, int]:
    from sqlalchemy import select

    from mediamon.core.models import StoryMember

    with engine.connect() as connection:
        rows = connection.execute(select(StoryMember.article_id, StoryMember.story_id))
        return {article_id: story_id for article_id, story_id in rows}


def scores(articles: dict[int, StreamArticle], found: dict[int, int]) -> dict[str, Any]:
    """The grouping ``found`` (story by article id) against the labels of ``articles``."""
    clusters: dict[int, list[StreamArticle]] = defaultdict(list)
    for article_id, story in found.items():
        clusters[story].append(articles[article_id])
    precision, recall = _bcubed(articles, clusters, "story")
    event_precision, _ = _bcubed(articles, clusters, "event")
    total = len(found)
    sizes = [len(members) for members in clusters.values()]
    return {
        "articles": total,
        "stories": len(clusters),
        "bcubed_precision": round(precision, 4),
        "bcubed_recall": round(recall, 4),
        "bcubed_f1": round(2 * precision * recall / (precision + recall), 4),
        "event_precision": round(event_precision, 4),
        "largest_story_share": round(max(sizes) / total, 4),
        "singleton_share": round(sizes.count(1) / total, 4),
        "multilingual_share": round(_multilingual(clusters) / total, 4),
        "multilingual_events": round(_multilingual_events(articles, clusters), 4),
    }


def _bcubed(
    articles: dict[int, StreamArticle], clusters: dict[int, list[StreamArticle]], label: str
) -> tuple[float, float]:
    """B-cubed precision and recall of ``clusters`` against the articles' ``label``."""
    labelled = Counter(getattr(a, label) for a in articles.values())
    precision = recall = 0.0
    for members in clusters.values():
        inside = Counter(getattr(a, label) for a in members)
        for value, count in inside.items():
            precision += count * count / len(members)
            recall += count * count / labelled[value]
    return precision / len(articles), recall / len(articles)


def _multilingual(clusters: dict[int, list[StreamArticle]]) -> int:
    return sum(len(m) for m in clusters.values() if len({a.language for a in m}) > 1)


def _multilingual_events(
    articles: dict[int, StreamArticle], clusters: dict[int, list[StreamArticle]]
) -> float:
    """Of the events covered in several languages, the share with a story in several, whose
    articles are mostly about that event."""
    languages: dict[int, set[str]] = defaultdict(set)
    for article in articles.values():
        languages[article.event].add(article.language)
    several = {event for event, spoken in languages.items() if len(spoken) > 1}
    found = set()
    for members in clusters.values():
        event, count = Counter(a.event for a in members).most_common(1)[0]
        if count * 2 > len(members) and len({a.language for a in members}) > 1:
            found.add(event)
    return len(found & several) / len(several) if several else 1.0


def stream_summary() -> dict[str, Any]:
    stream = generate()
    span = max(a.published for a in stream) - min(a.published for a in stream)
    return {
        "articles": len(stream),
        "outlets": len({a.outlet_id for a in stream}),
        "languages": sorted({a.language for a in stream}),
        "events": len({a.event for a in stream}),
        "stories": len({a.story for a in stream}),
        "copies": sum(a.copy_of is not None for a in stream),
        "undated": sum(a.moment != a.published for a in stream),
        "days": span // timedelta(days=1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", help="git revision whose mediamon/ to compare against")
    parser.add_argument("--measure", choices=ORDERS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return
    print(json.dumps({"stream": stream_summary()}), flush=True)
    roots = {"current": REPO}
    with tempfile.TemporaryDirectory() as directory:
        if args.baseline:
            roots["baseline"] = package_at(args.baseline, "mediamon", Path(directory))
        for name, root in roots.items():
            for order in ORDERS:
                print(json.dumps({"code": name, **measured(__file__, order, root)}), flush=True)


if __name__ == "__main__":
    main()
