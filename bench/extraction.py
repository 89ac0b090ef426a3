"""Extraction quality and cost: mediamon's ``extract`` side by side with bare trafilatura.

Usage: ``python bench/extraction.py CORPUS_DIR [--limit N] [--show-leaks]`` where CORPUS_DIR holds
``fundus_by_html.json``, ``boilerplate_candidates.json`` and the gzipped pages they point to
(e.g. ../shared/corpus/articles). Both extractors run on the same pages in the same process,
interleaved page by page, so the CPU ratio is fair on a shared machine. The last line printed is
a JSON object with the figures.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import trafilatura

from mediamon.extract.extractor import extract

WORD = re.compile(r"\w+")
WHITESPACE = re.compile(r"\s+")
SHINGLE_SIZE = 4


@dataclass
class Side:
    """Running totals for one extractor."""

    precision: list[float] = field(default_factory=list)
    recall: list[float] = field(default_factory=list)
    leaked: list[str] = field(default_factory=list)
    cpu_seconds: float = 0.0

    def f1(self) -> float:
        precision = sum(self.precision) / len(self.precision)
        recall = sum(self.recall) / len(self.recall)
        return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


@dataclass(frozen=True)
class Page:
    key: str
    url: str
    html: str
    expected: str
    candidates: list[str]


def shingles(text: str) -> set[tuple[str, ...]]:
    # NFC first: a word with a combining mark (NFD) would otherwise split into two at the mark,
    # and text equal but for its Unicode form would score as different words
    words = WORD.findall(unicodedata.normalize("NFC", text).lower())
    return {tuple(words[i : i + SHINGLE_SIZE]) for i in range(len(words) - SHINGLE_SIZE + 1)}


def normalise(text: str) -> str:
    return WHITESPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def load_pages(corpus: Path, limit: int | None) -> list[Page]:
    pages_meta = json.loads((corpus / "fundus_by_html.json").read_text(encoding="utf-8"))
    candidates = json.loads((corpus / "boilerplate_candidates.json").read_text(encoding="utf-8"))
    pages = []
    for key, meta in sorted(pages_meta.items())[:limit]:
        html = gzip.decompress((corpus / meta["html_path"]).read_bytes()).decode("utf-8")
        strings = candidates.get(key, {}).get("boilerplate_candidates", [])
        pages.append(Page(key, meta["url"], html, meta["expected_plaintext"], strings))
    return pages


def score(side: Side, page: Page, output: str) -> None:
    produced, expected = shingles(output), shingles(page.expected)
    common = len(produced & expected)
    side.precision.append(common / len(produced) if produced else 0.0)
    side.recall.append(common / len(expected) if expected else 1.0)
    flat = normalise(output)
    side.leaked.extend(f"{page.key}: {text}" for text in page.candidates if normalise(text) in flat)


def run_timed(side: Side, function: Callable[[Page], str], page: Page) -> str:
    started = time.process_time()
    output = function(page)
    side.cpu_seconds += time.process_time() - started
    return output


def bare(page: Page) -> str:
    text = trafilatura.extract(page.html, url=page.url, include_comments=False, include_tables=True)
    return text or ""


def mediamon(page: Page) -> str:
    result = extract(page.html, page.url)
    return result.text if result else ""


def measure(pages: list[Page]) -> tuple[Side, Side]:
    base, ours = Side(), Side()
    bare(pages[0]), mediamon(pages[0])  # warm caches and lazy imports outside the timing
    for page in pages:
        score(base, page, run_timed(base, bare, page))
        score(ours, page, run_timed(ours, mediamon, page))
    return base, ours


def summary(pages: list[Page], base: Side, ours: Side) -> dict[str, float | int]:
    total_candidates = sum(len(page.candidates) for page in pages) or 1
    base_cpu, ours_cpu = base.cpu_seconds / len(pages), ours.cpu_seconds / len(pages)
    return {
        "pages": len(pages),
        "candidates": total_candidates,
        "base_f1": round(base.f1(), 4),
        "mediamon_f1": round(ours.f1(), 4),
        "base_leak": round(len(base.leaked) / total_candidates, 4),
        "mediamon_leak": round(len(ours.leaked) / total_candidates, 4),
        "base_cpu_per_page": round(base_cpu, 5),
        "mediamon_cpu_per_page": round(ours_cpu, 5),
        "cpu_ratio": round(ours_cpu / base_cpu, 3) if base_cpu else 0.0,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus_dir", type=Path, help="folder with fundus_by_html.json")
    parser.add_argument("--limit", type=int, help="only the first N pages (sorted by key)")
    parser.add_argument("--show-leaks", action="store_true", help="list leaked strings")
    args = parser.parse_args(argv)
    pages = load_pages(args.corpus_dir, args.limit)
    base, ours = measure(pages)
    if args.show_leaks:
        for line in ours.leaked:
            print("leak:", line[:160])
    figures = summary(pages, base, ours)
    print(f"{'':12}{'F1':>8}{'leak':>8}{'CPU/page':>10}")
    print(
        f"{'trafilatura':12}{figures['base_f1']:>8}{figures['base_leak']:>8}"
        f"{figures['base_cpu_per_page']:>10}"
    )
    print(
        f"{'mediamon':12}{figures['mediamon_f1']:>8}{figures['mediamon_leak']:>8}"
        f"{figures['mediamon_cpu_per_page']:>10}"
    )
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
