"""`mediamon status`: what the scheduler did, will do next, and what looks unhealthy."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import click

from mediamon.cli.common import reading_config_options
from mediamon.core import stat_keys
from mediamon.core.context import Context

if TYPE_CHECKING:
    from mediamon.core.models import Run
    from mediamon.ops.run_log_lines import LogLines


@click.command()
@click.option(
    "--failures",
    default=10,
    show_default=True,
    type=click.IntRange(min=0),
    help="How many recent failed runs to list, each with the lines of its log that explain it.",
)
@click.option(
    "--failed-pages",
    default=10,
    show_default=True,
    type=click.IntRange(min=0),
    help="How many of the most recently failed pages to list, with their causes.",
)
@click.option(
    "--run",
    "run_id",
    type=int,
    metavar="ID",
    help="Show only this run (its id is in the list of failures): its record and the warnings "
    "and errors of its log.",
)
@reading_config_options
def status(ctx: Context, failures: int, failed_pages: int, run_id: int | None) -> None:
    """Show each scheduled job's last and next run, recent failed runs, the health alerts
    holding now (silent outlets, failing feeds, suspiciously short texts), and the pages that
    failed: waiting for their next attempt, or given up; or one run."""
    from mediamon.ops.status import gather_status

    if run_id is not None:
        _show_run(ctx, run_id)
        return
    report = gather_status(ctx.engine, ctx.config, failures)
    zone = ctx.config.settings.zone
    click.echo(f"jobs (times in {zone.key}):")
    if not report.scheduler_seen:
        click.echo("  the scheduler has not run on this database yet; start it with `mediamon run`")
    for job in report.jobs:
        click.echo(f"  {job.spec.id}  [{job.spec.name}]")
        click.echo(f"      last: {_last(job.last_run, zone)}")
        click.echo(f"      next: {_when(job.next_run, zone) if job.next_run else 'not scheduled'}")
    _show_failures(report.failures, zone)
    click.echo("alerts:" if report.alerts else "alerts: none")
    for alert in report.alerts:
        click.echo(f"  [{alert.kind}] {alert.message}")
    _echo_failed_pages(ctx, failed_pages, zone)


def _echo_failed_pages(ctx: Context, limit: int, zone: ZoneInfo) -> None:
    from mediamon.ops.status import gather_failed_pages

    pages = gather_failed_pages(ctx.engine, limit)
    if not pages.waiting and not pages.given_up:
        click.echo("failed pages: none")
        return
    click.echo(f"failed pages: {pages.waiting} waiting for a retry, {pages.given_up} given up")
    for page in pages.recent:
        attempts = f"{page.attempts} attempt{'s' if page.attempts != 1 else ''}"
        retry = f"retry after {_when(page.retry_at, zone)}" if page.retry_at else "given up"
        click.echo(f"  {_when(page.last_failed_at, zone)}  {page.outlet_id}  {page.url}")
        click.echo(f"      {page.reason} ({attempts}; {retry})")


def _last(run: Run | None, zone: ZoneInfo) -> str:
    if run is None:
        return "never"
    stored = (run.counts or {}).get(stat_keys.STORED)
    detail = f", {stored} new articles" if stored is not None else ""
    return f"{_when(run.started_at, zone)} {run.outcome}{detail}"


def _when(moment: datetime, zone: ZoneInfo) -> str:
    return f"{moment.astimezone(zone):%Y-%m-%d %H:%M:%S}"


# Lines of a failed run's log quoted in the list of failures; `--run ID` shows up to RUN_LINES.
FAILURE_LINES = 3
RUN_LINES = 200


def _show_failures(failures: list[Run], zone: ZoneInfo) -> None:
    from mediamon.ops.status import explained

    click.echo("recent failures:" if failures else "recent failures: none")
    for run in failures:
        first_error = f": {run.errors[0]}" if run.errors else ""
        click.echo(
            f"  {_when(run.started_at, zone)}  run {run.id}  {run.job}  {run.outcome}{first_error}"
        )
        lines = explained(run).log.lines
        for line in lines[:FAILURE_LINES]:
            click.echo(f"      {line}")
        if len(lines) > FAILURE_LINES:
            click.echo(
                f"      ... {len(lines) - FAILURE_LINES} more: mediamon status --run {run.id}"
            )


def _show_run(ctx: Context, run_id: int) -> None:
    from mediamon.ops.status import explain_run

    found = explain_run(ctx.engine, run_id)
    if found is None:
        raise click.ClickException(f"no run {run_id} is recorded in this database")
    run, zone = found.run, ctx.config.settings.zone
    click.echo(f"run {run.id}: {run.job}  {run.outcome}  (times in {zone.key})")
    click.echo(f"  started:  {_when(run.started_at, zone)}")
    click.echo(f"  finished: {_when(run.finished_at, zone) if run.finished_at else 'not yet'}")
    if run.pid is not None:
        click.echo(f"  process:  {run.pid} on {run.host}")
    click.echo("counts:" if run.counts else "counts: none")
    for key, value in sorted((run.counts or {}).items()):
        click.echo(f"  {key}: {value}")
    click.echo("errors:" if run.errors else "errors: none")
    for error in run.errors or []:
        click.echo(f"  {error}")
    _show_log(found.log)


def _show_log(log: LogLines) -> None:
    if log.missing is not None:
        click.echo(f"log: {log.path + ': ' if log.path else ''}{log.missing}")
        return
    found = len(log.lines)
    click.echo(f"log: {log.path} ({found} warning and error lines)")
    for line in log.lines[:RUN_LINES]:
        click.echo(f"  {line}")
    if found > RUN_LINES:
        click.echo(f"  ... {found - RUN_LINES} more in the log")
