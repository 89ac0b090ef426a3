"""Run mediamon's spiders: in this process, or sharded over several crawl processes.

One crawl per process (Twisted cannot restart). Spiders run one after another, so a later one
sees what an earlier one stored and never fetches it again; a spider none of the selected outlets
has sources for is not started at all. A crawl of several processes (:mod:`mediamon.crawl.sharded`)
gives each its own outlets and runs this same crawl in each.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from mediamon.core.context import Context
from mediamon.crawl.plan import (
    DEADLINE_SETTING,
    SPIDERS,
    TIMED_OUT,
    CrawlFailed,
    CrawlPlan,
    CrawlTimeLimit,
    crawl_settings,
    needed_spiders,
)
from mediamon.crawl.process import run_in_order, run_worker
from mediamon.crawl.sharded import run_sharded
from mediamon.crawl.shards import plan_shards

# The crawl's entry points for the commands: run_crawl, run_worker, and what they raise.
__all__ = ["SPIDERS", "CrawlFailed", "CrawlPlan", "CrawlTimeLimit", "run_crawl", "run_worker"]


def run_crawl(
    context: Context,
    spiders: Sequence[str] = SPIDERS,
    outlets: Sequence[str] = (),
    log_level: str = "WARNING",
    extra_settings: dict[str, Any] | None = None,
    spider_args: dict[str, str] | None = None,
    processes: int | None = None,
    time_limit: float | None = None,
) -> dict[str, dict[str, Any]]:
    """Crawl with each needed spider, one after another; return each spider's final stats.

    The whole crawl ends within ``time_limit`` seconds (default: settings.yaml
    ``crawling.time_limit_seconds``); :class:`CrawlTimeLimit` says when it was reached.

    ``processes`` (default: settings.yaml ``crawling.crawl_processes``, else one per CPU core,
    never more than the outlets to crawl) above 1 shards the outlets over that many crawl
    processes, and the stats are summed over them; :class:`CrawlFailed` says which outlets'
    process failed, after the others finished. 1 crawls in this process.
    """
    windowed = bool(spider_args and (spider_args.get("since") or spider_args.get("until")))
    names = needed_spiders(context, spiders, outlets, windowed)
    limit = time_limit or context.config.settings.crawling.time_limit_seconds
    extra = {**(extra_settings or {}), DEADLINE_SETTING: time.time() + limit}
    plan = CrawlPlan(names, list(outlets), windowed, log_level, extra, spider_args)
    shards = plan_shards(context, plan, processes)
    if len(shards) > 1:
        results = run_sharded(context, plan, shards)
    else:
        settings = crawl_settings(context, log_level, extra)
        results = run_in_order(settings, names, plan.arguments(outlets))
    if any(stats.get("finish_reason") == TIMED_OUT for stats in results.values()):
        raise CrawlTimeLimit(limit, results)
    return results
