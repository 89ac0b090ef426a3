"""How a crawl is sharded over several processes: the outlets balanced by how much crawling
each takes, what each process is told to do, and how their figures add up (see
mediamon.crawl.sharded)."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mediamon.core.config import Outlet
from mediamon.core.context import Context
from mediamon.core.models import utcnow
from mediamon.core.names import EXTRACT_PROCESSES_SETTING
from mediamon.core.sources import source_kind
from mediamon.crawl.feedstate import load_feed_states
from mediamon.crawl.plan import CrawlPlan, has_sources

SHOWN_OUTLETS = 3


@dataclass(frozen=True)
class ShardJob:
    """What one crawl process does, in plain values (they reach it pickled)."""

    number: int
    total: int
    outlets: tuple[str, ...]
    spiders: tuple[str, ...]
    config_dir: str
    database_url: str
    log_level: str
    settings: dict[str, Any]
    arguments: dict[str, Any]

    @property
    def name(self) -> str:
        return f"crawl process {self.number}/{self.total}"

    @property
    def label(self) -> str:
        """The name and the first outlets, for log lines."""
        more = len(self.outlets) - SHOWN_OUTLETS
        shown = ", ".join(self.outlets[:SHOWN_OUTLETS]) + (f" +{more} more" if more > 0 else "")
        return f"{self.name}: {shown}"


def plan_shards(context: Context, plan: CrawlPlan, processes: int | None) -> list[ShardJob]:
    """The crawl processes of ``plan``: none when it is better crawled in this one."""
    crawling = context.config.settings.crawling
    outlets = active_outlets(context, plan)
    count = process_count(processes, crawling.crawl_processes, len(outlets))
    if count < 2 or (processes is None and light(context, plan, outlets)):
        return []
    groups = balance([(outlet.id, weight(outlet, plan)) for outlet in outlets], count)
    by_id = {outlet.id: outlet for outlet in outlets}
    settings = shard_settings(plan.extra_settings, crawling.extract_processes)
    return [
        ShardJob(
            number=number,
            total=count,
            outlets=tuple(group),
            spiders=tuple(
                name
                for name in plan.spiders
                if any(has_sources(name, by_id[i], plan.windowed) for i in group)
            ),
            config_dir=str(context.config.directory),
            database_url=context.config.settings.database_url,
            log_level=plan.log_level,
            settings=settings,
            arguments=plan.arguments(group),
        )
        for number, group in enumerate(groups, 1)
    ]


def process_count(requested: int | None, configured: int | None, outlets: int) -> int:
    """``requested``, else ``configured``, else one per CPU core; at most one per outlet."""
    wanted = requested or configured or os.cpu_count() or 1
    return max(1, min(wanted, outlets))


def light(context: Context, plan: CrawlPlan, outlets: Sequence[Outlet]) -> bool:
    """Whether at most one outlet has a source to read in full. An outlet lives in one process,
    so another process could take over only conditional requests, which cost less CPU than
    starting it (imports, config, database)."""
    busy: set[str] = set()
    for name in plan.spiders:
        busy |= FULL_READS.get(name, outlets_with_sources)(context, plan, name, outlets)
    return len(busy) < 2


def outlets_with_sources(
    context: Context, plan: CrawlPlan, spider: str, outlets: Sequence[Outlet]
) -> set[str]:
    return {outlet.id for outlet in outlets if has_sources(spider, outlet, plan.windowed)}


def outlets_with_feeds_to_read(
    context: Context, plan: CrawlPlan, spider: str, outlets: Sequence[Outlet]
) -> set[str]:
    """The outlets with a feed never polled or polled without validators: a feed with them is
    expected to answer its conditional GET with 304, and one not due is not requested by a
    ``--due-only`` poll."""
    states = load_feed_states(context.engine, [url for o in outlets for url in o.feeds])
    due_only = bool((plan.spider_args or {}).get("due_only"))
    now = utcnow()

    def read_in_full(url: str) -> bool:
        state = states.get(url)
        if state is None:
            return True
        return not state.validators.headers() and not (due_only and not state.due(now))

    return {outlet.id for outlet in outlets if any(map(read_in_full, outlet.feeds))}


# The outlets each spider reads some source of in full (others: every outlet it has sources of).
FULL_READS: dict[str, Callable[[Context, CrawlPlan, str, Sequence[Outlet]], set[str]]] = {
    "feeds": outlets_with_feeds_to_read,
}


def active_outlets(context: Context, plan: CrawlPlan) -> list[Outlet]:
    """The selected outlets that any of the plan's spiders has sources for, in config order."""
    config = context.config
    selected = [config.outlet(i) for i in dict.fromkeys(plan.outlets)] or config.outlets
    return [o for o in selected if any(has_sources(s, o, plan.windowed) for s in plan.spiders)]


def weight(outlet: Outlet, plan: CrawlPlan) -> int:
    """How much crawling ``outlet`` takes, roughly: its sources for the plan's spiders."""
    return sum(
        max(1, len(_sources(name, outlet, plan.windowed)))
        for name in plan.spiders
        if has_sources(name, outlet, plan.windowed)
    )


def _sources(spider: str, outlet: Outlet, windowed: bool) -> Sequence[object]:
    return source_kind(spider).sources(outlet, windowed)


def balance(weights: Sequence[tuple[str, int]], count: int) -> list[list[str]]:
    """The ids in ``count`` groups of similar total weight, each in the given order."""
    position = {outlet_id: index for index, (outlet_id, _) in enumerate(weights)}
    groups: list[list[str]] = [[] for _ in range(count)]
    loads = [0] * count
    for outlet_id, load in sorted(weights, key=lambda item: -item[1]):
        lightest = loads.index(min(loads))
        groups[lightest].append(outlet_id)
        loads[lightest] += load
    return [sorted(group, key=position.__getitem__) for group in groups]


def shard_settings(extra: dict[str, Any] | None, extract_processes: int | None) -> dict[str, Any]:
    """The crawl's extra Scrapy settings for each process; unless settings.yaml sizes the
    extraction pool, they extract in-process: the crawl processes already use the cores."""
    settings = dict(extra or {})
    if extract_processes is None:
        settings.setdefault(EXTRACT_PROCESSES_SETTING, 0)
    return settings


MAXIMA = ("elapsed_time_seconds", "finish_time")


def merge_stats(parts: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """One spider's stats from several processes: counts summed, the earliest start, the latest
    finish, peaks (``*_max``, ``memusage/*``) and the longest time kept; a reason other than
    'finished' wins."""
    merged: dict[str, Any] = {}
    for stats in parts:
        for key, value in stats.items():
            merged[key] = value if key not in merged else _merge_value(key, merged[key], value)
    return merged


def _merge_value(key: str, first: Any, second: Any) -> Any:
    if key == "finish_reason":
        return first if first != "finished" else second
    if key == "start_time" and isinstance(first, datetime):
        return min(first, second)
    if key in MAXIMA or key.endswith("_max") or key.startswith("memusage/"):
        return max(first, second)
    if _number(first) and _number(second):
        return first + second
    return first


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
