"""Real pages end to end: the corpus's real pages crawled by `mediamon crawl`, scored against the
corpus's expected values, side by side with bare trafilatura and htmldate in the same run.

Each run starts the shared replay proxy (tools/replay_corpus.py: every page under its publisher's
real domain, with a feed, a Google-News sitemap and robots.txt per domain), writes a config with
one outlet per domain (its feed and its sitemap; the `defaults` block of the repo's
config/outlets.yaml, without download delay), crawls it with `mediamon crawl` through the proxy
(DNS replaced by a stub that resolves nothing and records every lookup), reads what was stored,
then crawls again and counts, from the replay's request log, the stored pages fetched again
(`pages_refetched`; a page not stored and fetched again is a retry, counted apart) and the feed and
sitemap requests sent without If-None-Match or If-Modified-Since (`unconditional_requests`). It
runs twice: with dates in the feeds and sitemaps, and with `--feed-dates none` (dates from the
pages only: `date_exact_nofeed`); the other scores are the first run's. Bare trafilatura
(`extract`, `extract_metadata`) and htmldate (`find_date`) read the same pages in this process,
from the corpus's UTF-8 text. Two corpus pages share one URL, so the replay serves one of them:
`pages` counts the pages served, `corpus_pages` the corpus's.

Scoring; a page not stored is a miss; pages without an expected value are left out of that metric:
- body F1: 4-word shingles, per-page precision and recall averaged, then the F1 of the averages
- title exact: equal after NFC, dropping invisible format characters (soft hyphens, zero-width
  spaces) and collapsing whitespace runs to one space; case, punctuation and entities count
- authors F1: per-page F1 of the name sets (NFC, casefolded, whitespace collapsed), averaged
- date exact day: the stored date's day, taken in the expected value's own offset, is the expected
  day (the replay gives offset-less expected values +00:00; a bare date is compared as it is)

Crawl CPU seconds are those of `mediamon crawl` and every process it waited for (getrusage of
the children). Every crawl's output is counted for ERROR lines and tracebacks. The last line
printed is a JSON object with the figures. The crawls are bench/real_pages_crawl.py, the matching
and scoring bench/real_pages_scoring.py.

    .venv/bin/python bench/real_pages.py [--corpus ../shared/corpus] [--tools ../shared/tools]
                                         [--keep DIR] [--verbose]
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

import htmldate
import trafilatura
from real_pages_crawl import (
    FEED_DATES,
    REPO,
    BenchError,
    Inputs,
    Run,
    crawl_twice,
    load_index,
    second_crawl_figures,
)
from real_pages_scoring import (
    HTMLDATE_SETTINGS,
    PAGE_METRICS,
    Page,
    Reading,
    baselines,
    body_f1,
    date_exact,
    normal_text,
    page_metric,
    published_day,
    title_exact,
)

SHARED = REPO.parent / "shared"
TARGETS = {
    "coverage": 1.0,
    "error_lines": 0,
    "tracebacks": 0,
    "date_exact_nofeed": ">= 0.97 and > date_exact_htmldate",
    "body_f1": ">= body_f1_trafilatura + 0.01",
    "title_exact": 0.90,
    "pages_refetched": 0,
    "unconditional_requests": 0,
}


def figures(
    runs: list[Run], bare: dict[str, Reading], dates: dict[str, Reading], corpus_pages: int
) -> dict[str, Any]:
    default = runs[0]
    result: dict[str, Any] = {"pages": len(default.pages), "corpus_pages": corpus_pages}
    return result | quality_figures(runs, bare, dates) | crawl_figures(runs)


def quality_figures(
    runs: list[Run], bare: dict[str, Reading], dates: dict[str, Reading]
) -> dict[str, Any]:
    """Coverage and the scores of each side; body, title and authors come from the first run."""
    default, nofeed = runs
    pages = default.pages
    result: dict[str, float] = {}
    for suffix, readings in (("", default.readings), ("_nofeed", nofeed.readings)):
        result[f"stored{suffix}"] = len(readings)
        result[f"coverage{suffix}"] = round(len(readings) / len(pages), 4)
    sides = {"": default.readings, "_nofeed": nofeed.readings, "_trafilatura": bare}
    for suffix, readings in sides.items():
        result[f"body_f1{suffix}"] = round(body_f1(pages, readings), 4)
    for metric in PAGE_METRICS:
        for suffix, readings in sides.items():
            result[f"{metric}{suffix}"] = round(page_metric(metric, pages, readings)[0], 4)
        result[f"{metric}_pages"] = page_metric(metric, pages, default.readings)[1]
    result["date_exact_htmldate"] = round(page_metric("date_exact", pages, dates)[0], 4)
    return result


def crawl_figures(runs: list[Run]) -> dict[str, Any]:
    """The second crawls' requests and every crawl's output, summed over both runs; CPU seconds
    of the first run."""
    second = [second_crawl_figures(run) for run in runs]
    summed = ("pages_refetched", "unstored_pages_retried", "unconditional_requests")
    result: dict[str, Any] = {
        key: sum(figures_of_run[key] for figures_of_run in second)
        for key in (*summed, "feed_and_sitemap_requests")
    }
    result["robots_requests_second_crawl"] = sum(f["robots_requests"] for f in second)
    crawls = [crawl for run in runs for crawl in (run.first, run.second)]
    result["error_lines"] = sum(len(crawl.error_lines) for crawl in crawls)
    result["tracebacks"] = sum(crawl.tracebacks for crawl in crawls)
    result["warning_lines"] = sum(crawl.warning_lines for crawl in crawls)
    result["exit_codes"] = [crawl.exit_code for crawl in crawls]
    first, pages = runs[0].first, len(runs[0].pages)
    result["crawl_cpu_s"] = round(first.cpu_s, 2)
    result["crawl_cpu_s_per_page"] = round(first.cpu_s / pages, 4)
    result["crawl_s"] = round(first.wall_s, 1)
    result["second_crawl_cpu_s"] = round(runs[0].second.cpu_s, 2)
    result["dns_lookups"] = sum(run.dns_lookups for run in runs)
    return result


METRIC_ROWS = {
    "coverage": "coverage",
    "body F1": "body_f1",
    "title exact": "title_exact",
    "authors F1": "authors_f1",
    "date exact day": "date_exact",
}
SIDE_COLUMNS = {
    "mediamon": "",
    "no feed dates": "_nofeed",
    "trafilatura": "_trafilatura",
    "htmldate": "_htmldate",
}


def print_table(result: dict[str, Any]) -> None:
    print(f"{'':16}" + "".join(f"{side:>15}" for side in SIDE_COLUMNS) + f"{'pages':>7}")
    for label, metric in METRIC_ROWS.items():
        cells = [result.get(metric + suffix) for suffix in SIDE_COLUMNS.values()]
        shown = "".join("{:>15}".format("-" if c is None else f"{c:.4f}") for c in cells)
        print(f"{label:16}{shown}{result.get(metric + '_pages', result['pages']):>7}")


def print_crawls(runs: list[Run]) -> None:
    for run in runs:
        for label, crawl in (("first", run.first), ("second", run.second)):
            statuses = Counter(r["status"] for r in crawl.requests)
            print(
                f"{run.name}, {label} crawl: exit {crawl.exit_code}, {crawl.wall_s:.1f} s, "
                f"CPU {crawl.cpu_s:.1f} s, {len(crawl.requests)} requests {dict(statuses)}, "
                f"{len(crawl.error_lines)} ERROR lines, {crawl.warning_lines} WARNING lines, "
                f"{crawl.tracebacks} tracebacks"
            )
        second = second_crawl_figures(run)
        print(
            f"{run.name}, second crawl: {second['pages_refetched']} stored pages refetched, "
            f"{second['unstored_pages_retried']} pages not stored fetched again, "
            f"{second['unconditional_requests']} of {second['feed_and_sitemap_requests']} feed and "
            f"sitemap requests unconditional ({second['not_modified']} answered 304), "
            f"{second['robots_requests']} robots.txt requests"
        )


def days_off(page: Page, reading: Reading) -> float:
    day = published_day(page, reading.published)
    if day is None or page.published is None:
        return float("inf")
    return abs((day - page.published.date()).days)


def print_date_misses(run: Run, dates: dict[str, Reading]) -> None:
    misses = [p for p in run.pages if date_exact(p, run.readings.get(p.url, Reading())) == 0.0]
    misses.sort(key=lambda p: -days_off(p, run.readings.get(p.url, Reading())))
    print(f"{run.name}: date misses ({len(misses)}), worst first: expected | stored | htmldate")
    for page in misses:
        stored = run.readings.get(page.url, Reading()).published
        found = dates[page.url].published
        shown = stored.isoformat() if stored else "none"
        print(f"  {page.key:48} {page.published} | {shown} | {found or 'none'}")


def print_title_misses(run: Run) -> None:
    def similarity(page: Page) -> float:
        title = run.readings.get(page.url, Reading()).title
        return SequenceMatcher(None, normal_text(title), normal_text(page.title)).ratio()

    misses = [p for p in run.pages if title_exact(p, run.readings.get(p.url, Reading())) == 0.0]
    print(f"{run.name}: title misses ({len(misses)}), worst first: expected | stored")
    for page in sorted(misses, key=similarity):
        stored = run.readings[page.url].title if page.url in run.readings else "(not stored)"
        print(f"  {page.key:48} {normal_text(page.title)!r} | {normal_text(stored)!r}")


def print_details(runs: list[Run], dates: dict[str, Reading]) -> None:
    for run in runs:
        missing = [page.key for page in run.pages if page.url not in run.readings]
        print(f"{run.name}: not stored ({len(missing)}): {', '.join(missing) or 'none'}")
        for line in sorted({line for c in (run.first, run.second) for line in c.error_lines}):
            print(f"  {line[:240]}")
    for run in reversed(runs):
        print_date_misses(run, dates)
    print_title_misses(runs[0])


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    default_corpus, default_tools = SHARED / "corpus", SHARED / "tools"
    parser.add_argument(
        "--corpus",
        type=Path,
        default=default_corpus,
        metavar="DIR",
        help=f"the corpus, with articles/ (default {default_corpus})",
    )
    parser.add_argument(
        "--tools",
        type=Path,
        default=default_tools,
        metavar="DIR",
        help=f"the folder of replay_corpus.py (default {default_tools})",
    )
    keep = "work in this new or empty folder and keep it (default: a temporary folder, removed)"
    parser.add_argument("--keep", type=Path, metavar="DIR", help=keep)
    misses = "list the pages not stored, date and title misses and ERROR lines"
    parser.add_argument("--verbose", action="store_true", help=misses)
    parser.add_argument(
        "--plain-defaults",
        action="store_true",
        help="outlets without the defaults block of config/outlets.yaml (prune, phrases)",
    )
    return parser.parse_args(argv)


def check_inputs(arguments: argparse.Namespace) -> None:
    if not (arguments.tools / "replay_corpus.py").is_file():
        raise BenchError(f"no replay_corpus.py in {arguments.tools}")
    if arguments.keep and arguments.keep.exists() and any(arguments.keep.iterdir()):
        raise BenchError(f"--keep {arguments.keep} is not empty: name a new folder")


@contextmanager
def workspace(keep: Path | None) -> Iterator[Path]:
    if keep:
        keep.mkdir(parents=True, exist_ok=True)
        yield keep.resolve()
        return
    with tempfile.TemporaryDirectory(prefix="mediamon-real-pages-") as directory:
        yield Path(directory)


def measure(arguments: argparse.Namespace) -> dict[str, Any]:
    index = load_index(arguments.corpus)
    inputs = Inputs(arguments.corpus, arguments.tools, index, not arguments.plain_defaults)
    with workspace(arguments.keep) as directory:
        runs = [crawl_twice(name, inputs, directory / FEED_DATES[name]) for name in FEED_DATES]
    started = time.process_time()
    bare, dates = baselines(arguments.corpus, index, runs[0].pages)
    baseline_cpu_s = time.process_time() - started
    print_crawls(runs)
    if arguments.verbose:
        print_details(runs, dates)
    versions = f"trafilatura {trafilatura.__version__}, htmldate {htmldate.__version__}"
    print(f"baselines: {versions}, find_date({json.dumps(HTMLDATE_SETTINGS)})")
    result = figures(runs, bare, dates, len(index))
    result["baselines_cpu_s"] = round(baseline_cpu_s, 2)
    print_table(result)
    print(f"targets: {json.dumps(TARGETS)}")
    return result


def interrupt(signal_number: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    signal.signal(signal.SIGTERM, interrupt)  # stop the replay and the crawl, remove the folder
    try:
        check_inputs(arguments)
        result = measure(arguments)
    except BenchError as error:
        print(f"real_pages: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("real_pages: interrupted", file=sys.stderr)
        return 130
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
