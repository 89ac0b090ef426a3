"""The names crawls and their runs go by, defined once and imported everywhere (no copies that
drift): the crawl's spiders and the ``crawl:<spider>:<outlets>`` run names. Imports nothing, so
the scheduler reads them without loading Scrapy."""

from __future__ import annotations

from collections.abc import Sequence

CRAWL_SPIDERS = ("feeds", "sitemaps", "sections")
"""The spiders of a crawl, in the order they run."""
CRAWL_JOB_PREFIX = "crawl:"
ALL_OUTLETS = "all"


def crawl_run_name(spider: str, outlet_ids: Sequence[str]) -> str:
    """The run a crawl of ``outlet_ids`` (none: every outlet) records for ``spider``."""
    return f"{CRAWL_JOB_PREFIX}{spider}:{','.join(outlet_ids) or ALL_OUTLETS}"
