"""Near-duplicate detection at archive scale: 100,000 synthetic articles in a real SQLite file.

Originals are random texts over a Zipf-distributed vocabulary; a labelled share of them is
copied the way outlets copy wire stories (trimmed, padded with boilerplate, both, lightly
reworded, a paragraph dropped), and "hard negatives" share half their text with another
article without being a copy. Every article is looked up before it is indexed, as the dedup
stage does.

Query time is measured on the same probe articles at 10,000 and at 100,000 stored; their ratio
is what must stay near 1 (band lookups are index seeks, not scans). The last line printed is a
JSON object: articles, precision, recall, query_ms_10k, query_ms_100k, query_ratio,
bytes_per_article (plus throughputs).

    .venv/bin/python bench/dedup.py [--articles 100000] [--database /tmp/dedup-bench.sqlite]
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, create_engine
from sqlalchemy.orm import Session

from mediamon.core.db import upgrade
from mediamon.core.minhash import TextSignature, signature_of
from mediamon.store.near_duplicates import find_copies, index_signature

SEED = 20230522
VOCABULARY = 30_000
PARAGRAPHS = 4
WORDS_PER_PARAGRAPH = 35
COPY_SHARE = 0.10
HARD_NEGATIVE_SHARE = 0.05
PROBES = 500
MEASURE_AT = 10_000
COMMIT_EVERY = 2_000
BOILERPLATE = (
    "Support independent journalism and donate today so that we can keep reporting",
    "Sign up for our morning newsletter to get the most important news in your inbox",
    "Read more about the war and its consequences in our special section",
)
SYLLABLES = [c + v for c in "bdgklmnprstvz" for v in "aeiou"]


@dataclass(frozen=True)
class Sample:
    id: int
    text: str
    copy_of: int | None


class Corpus:
    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)
        self.words = [self._word() for _ in range(VOCABULARY)]
        weights = [1 / (rank + 1) for rank in range(VOCABULARY)]
        self.cumulative = list(_running_sum(weights))

    def _word(self) -> str:
        return "".join(self.random.choices(SYLLABLES, k=self.random.randint(1, 4)))

    def paragraph(self) -> str:
        words = self.random.choices(self.words, cum_weights=self.cumulative, k=WORDS_PER_PARAGRAPH)
        return " ".join(words) + "."

    def original(self) -> list[str]:
        return [self.paragraph() for _ in range(PARAGRAPHS)]

    def copy(self, paragraphs: list[str]) -> list[str]:
        kind = self.random.choice(("trim", "pad", "reword", "drop", "trim-and-pad"))
        if kind == "trim":
            return paragraphs[:-1]
        if kind == "trim-and-pad":
            return [*paragraphs[:-1], self.random.choice(BOILERPLATE)]
        if kind == "pad":
            return [self.random.choice(BOILERPLATE), *paragraphs, *BOILERPLATE[1:]]
        if kind == "drop":
            return paragraphs[:1] + paragraphs[2:]
        return [self._reword(paragraph) for paragraph in paragraphs]

    def _reword(self, paragraph: str) -> str:
        words = paragraph.split()
        for index in self.random.sample(range(len(words)), k=len(words) // 20):
            words[index] = self.random.choice(self.words)
        return " ".join(words)

    def hard_negative(self, paragraphs: list[str]) -> list[str]:
        """Half of another article's text: a follow-up, not a copy."""
        return [*paragraphs[:2], *self.original()[2:]]


def _running_sum(values: list[float]) -> Iterator[float]:
    total = 0.0
    for value in values:
        total += value
        yield total


def samples(count: int, corpus: Corpus) -> Iterator[Sample]:
    """Articles in arrival order; a copy always arrives after its original."""
    texts: list[list[str]] = []
    first_seen: list[int] = []  # a copy of a copy copies the first-seen article
    for article_id in range(1, count + 1):
        roll = corpus.random.random()
        if texts and roll < COPY_SHARE:
            source = corpus.random.randrange(max(0, len(texts) - 5_000), len(texts))
            paragraphs, copy_of = corpus.copy(texts[source]), first_seen[source]
        elif texts and roll < COPY_SHARE + HARD_NEGATIVE_SHARE:
            paragraphs, copy_of = corpus.hard_negative(texts[-1]), None
        else:
            paragraphs, copy_of = corpus.original(), None
        texts.append(paragraphs)
        first_seen.append(copy_of or article_id)
        yield Sample(article_id, "\n".join(paragraphs), copy_of)


def open_bench_database(path: Path) -> Engine:
    """The migrated schema without foreign keys: the bench indexes signatures, not articles."""
    path.unlink(missing_ok=True)
    engine = create_engine(f"sqlite:///{path}")
    upgrade(engine)
    return engine


class Bench:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.session = Session(engine)
        self.original_of: dict[int, int] = {}
        self.true_pairs: set[tuple[int, int]] = set()
        self.found_pairs: set[tuple[int, int]] = set()
        self.index_seconds = 0.0

    def add(self, sample: Sample) -> None:
        started = time.perf_counter()
        signature = signature_of(sample.text)
        assert signature is not None
        copies = find_copies(self.session, signature)
        index_signature(self.session, sample.id, signature)
        self.index_seconds += time.perf_counter() - started
        if copies:
            found = self.original_of.get(copies[0][0], copies[0][0])
            self.original_of[sample.id] = found
            self.found_pairs.add((sample.id, found))
        if sample.copy_of is not None:
            self.true_pairs.add((sample.id, sample.copy_of))
        if sample.id % COMMIT_EVERY == 0:
            self.session.commit()

    def query_ms(self, probes: list[Sample]) -> float:
        self.session.commit()
        signatures = [signature_of(probe.text) for probe in probes]
        self._query_all(signatures)  # warm the page cache: both sizes are measured warm
        started = time.perf_counter()
        self._query_all(signatures)
        return (time.perf_counter() - started) * 1000 / len(probes)

    def _query_all(self, signatures: list[TextSignature | None]) -> None:
        for signature in signatures:
            assert signature is not None
            find_copies(self.session, signature)


def run(count: int, database: Path) -> dict[str, float]:
    corpus = Corpus(SEED)
    probes = [Sample(0, "\n".join(corpus.original()), None) for _ in range(PROBES)]
    bench = Bench(open_bench_database(database))
    query_ms_10k = 0.0
    for sample in samples(count, corpus):
        bench.add(sample)
        if sample.id == min(MEASURE_AT, count):
            query_ms_10k = bench.query_ms(probes)
            print(f"{sample.id} stored: {query_ms_10k:.3f} ms per query", flush=True)
    query_ms_100k = bench.query_ms(probes)
    print(f"{count} stored: {query_ms_100k:.3f} ms per query", flush=True)
    bench.session.close()
    return _figures(bench, count, database, query_ms_10k, query_ms_100k)


def _figures(
    bench: Bench, count: int, database: Path, query_ms_10k: float, query_ms_100k: float
) -> dict[str, float]:
    hits = len(bench.true_pairs & bench.found_pairs)
    bench.engine.dispose()
    return {
        "articles": count,
        "labelled_pairs": len(bench.true_pairs),
        "precision": round(hits / max(1, len(bench.found_pairs)), 4),
        "recall": round(hits / max(1, len(bench.true_pairs)), 4),
        "query_ms_10k": round(query_ms_10k, 4),
        "query_ms_100k": round(query_ms_100k, 4),
        "query_ratio": round(query_ms_100k / query_ms_10k, 3),
        "index_articles_per_s": round(count / bench.index_seconds, 1),
        "queries_per_s_100k": round(1000 / query_ms_100k, 1),
        "bytes_per_article": round(database.stat().st_size / count),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--database", type=Path, default=Path("/tmp/mediamon-dedup-bench.sqlite"))
    arguments = parser.parse_args()
    print(json.dumps(run(arguments.articles, arguments.database)))


if __name__ == "__main__":
    main()
