"""How a crawl (or a backfill, or a worker) ended, as its exit code and one line saying why.

The code comes from the outcomes its runs record (``mediamon.core.runs.crawl_outcome`` on the
same stats), so the exit status and ``mediamon status`` agree.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from mediamon.core import stat_keys as stat
from mediamon.core.exit_codes import ExitCode, exit_code_of_outcomes
from mediamon.core.runs import crawl_outcome
from mediamon.core.wording import counted

Results = Mapping[str, Mapping[str, Any]]
# Outlets needing attention listed without -v; a crawl of many dead outlets says how many more.
SHOWN_OUTLETS = 20


@dataclass(frozen=True)
class Verdict:
    code: ExitCode
    message: str | None


def crawl_verdict(results: Results, again: str) -> Verdict:
    """The exit code of a crawl that ran to its end (or was stopped), and what to tell.
    ``again`` says what fetches the rest ("crawl again")."""
    outcomes = [
        crawl_outcome(str(stats.get("finish_reason", "finished")), stats)
        for stats in results.values()
    ]
    code = exit_code_of_outcomes(outcomes)
    return Verdict(code, MESSAGES[code](results, again) if code in MESSAGES else None)


def total(results: Results, key: str) -> int:
    return sum(int(stats.get(key, 0)) for stats in results.values())


def failed_outlets(results: Results) -> dict[str, int]:
    """The outlets whose sources failed, with how many of them failed, most first."""
    failed: dict[str, int] = {}
    prefix = stat.SOURCES_FAILED_PER_OUTLET
    for stats in results.values():
        for key, value in stats.items():
            if key.startswith(prefix):
                outlet_id = key.removeprefix(prefix)
                failed[outlet_id] = failed.get(outlet_id, 0) + int(value)
    return dict(sorted(failed.items(), key=lambda item: (-item[1], item[0])))


def failure_cause(results: Results, outlet_id: str) -> str | None:
    """The cause of the first failed source of ``outlet_id``."""
    key = stat.SOURCE_FAILURE_CAUSE + outlet_id
    return next((str(stats[key]) for stats in results.values() if stats.get(key)), None)


def some_sources_failed(results: Results, again: str) -> str:
    failed = total(results, stat.SOURCES_FAILED)
    sources = failed + total(results, stat.SOURCES_ANSWERED)
    outlets = failed_outlets(results)
    return (
        f"{failed} of {counted(sources, 'source')} failed, at {counted(len(outlets), 'outlet')} "
        "(listed above); what the others listed is stored"
    )


def nothing_collected(results: Results, again: str) -> str:
    failed = total(results, stat.SOURCES_FAILED)
    outlets = failed_outlets(results)
    first = next(iter(outlets), "?")
    return (
        f"nothing could be collected: all {failed} sources of {len(outlets)} outlets failed "
        f"({first}: {failure_cause(results, first)}); is the network up? "
        f"{again[0].upper()}{again[1:]} once it is"
    )


def failed(results: Results, again: str) -> str:
    """Articles not stored, a stop before the end, or errors logged (a bug)."""
    from mediamon.cli.common import storage_problem

    problem = storage_problem(results, again)
    if problem is not None:
        return problem
    if any(stats.get("finish_reason") == "shutdown" for stats in results.values()):
        return f"the crawl was stopped before its end; {again} to finish"
    if errors := total(results, "log_count/ERROR"):
        return f"{errors} errors were logged (see the log): a bug to report; {again} to retry"
    reasons = sorted({str(stats.get("finish_reason")) for stats in results.values()})
    return f"the crawl ended early ({', '.join(reasons)}); {again} to finish"


MESSAGES: dict[ExitCode, Callable[[Results, str], str]] = {
    ExitCode.SOURCES_FAILED: some_sources_failed,
    ExitCode.NOTHING_COLLECTED: nothing_collected,
    ExitCode.FAILED: failed,
}


def outlet_lines(results: Results, outlets: Sequence[str], verbose: bool) -> list[str]:
    """The outlets whose sources failed, with the cause, at most SHOWN_OUTLETS of them; or,
    ``verbose``, every outlet with its new articles."""
    failed = failed_outlets(results)
    stored = stored_per_outlet(results)
    listed = list(outlets) if verbose else list(failed)
    if not listed:
        return []
    heading = (
        f"{len(outlets)} outlets ({len(failed)} with failed sources):"
        if verbose
        else f"{len(failed)} of {len(outlets)} outlets need attention (-v lists every outlet):"
    )
    shown = listed if verbose else listed[:SHOWN_OUTLETS]
    lines = [heading]
    lines += [outlet_line(results, outlet_id, stored, failed) for outlet_id in shown]
    if len(listed) > len(shown):
        lines.append(f"  ... and {len(listed) - len(shown)} more")
    return lines


def outlet_line(
    results: Results, outlet_id: str, stored: dict[str, int], failed: dict[str, int]
) -> str:
    line = f"  {outlet_id}: {counted(stored.get(outlet_id, 0), 'new article')}"
    if outlet_id in failed:
        sources = counted(failed[outlet_id], "source")
        line += f", {sources} failed ({failure_cause(results, outlet_id)})"
    return line


def stored_per_outlet(results: Results) -> dict[str, int]:
    prefix = stat.STORED_PER_OUTLET
    stored: dict[str, int] = {}
    for stats in results.values():
        for key, value in stats.items():
            if key.startswith(prefix):
                outlet_id = key.removeprefix(prefix)
                stored[outlet_id] = stored.get(outlet_id, 0) + int(value)
    return stored
