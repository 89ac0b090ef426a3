"""Extraction work for pool tests, importable by worker processes."""

from __future__ import annotations

import os

from mediamon.extract.extractor import ExtractedArticle
from mediamon.extract.pool import ExtractionJob, run_job

CRASH_MARKER = b"<!-- crash the extraction worker -->"
RAISE_MARKER = b"<!-- make extraction raise -->"


def crash_on_marker(job: ExtractionJob) -> ExtractedArticle | None:
    """Extract as the crawl does, but kill the worker process on a page with CRASH_MARKER and
    raise on one with RAISE_MARKER."""
    if CRASH_MARKER in job.html:
        os._exit(1)
    if RAISE_MARKER in job.html:
        raise ValueError("unparseable page")
    return run_job(job)
