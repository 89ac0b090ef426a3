"""`mediamon status`: what the scheduler did, will do next, and what looks unhealthy."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import click

from mediamon.cli.common import config_options
from mediamon.core import stat_keys
from mediamon.core.context import Context


@click.command()
@click.option(
    "--failures",
    default=10,
    show_default=True,
    type=click.IntRange(min=0),
    help="How many recent failed runs to list.",
)
@click.option(
    "--failed-pages",
    default=10,
    show_default=True,
    type=click.IntRange(min=0),
    help="How many of the most recently failed pages to list, with their causes.",
)
@config_options
def status(ctx: Context, failures: int, failed_pages: int) -> None:
    """Show each scheduled job's last and next run, recent failed runs, the health alerts
    holding now (silent outlets, failing feeds, suspiciously short texts), and the pages that
    failed: waiting for their next attempt, or given up."""
    from mediamon.ops.status import gather_status

    report = gather_status(ctx.engine, ctx.config, failures)
    zone = ctx.config.settings.zone
    click.echo(f"jobs (times in {zone.key}):")
    if not report.scheduler_seen:
        click.echo("  the scheduler has not run on this database yet; start it with `mediamon run`")
    for job in report.jobs:
        click.echo(f"  {job.spec.id}  [{job.spec.name}]")
        click.echo(f"      last: {_last(job.last_run, zone)}")
        click.echo(f"      next: {_when(job.next_run, zone) if job.next_run else 'not scheduled'}")
    click.echo("recent failures:" if report.failures else "recent failures: none")
    for run in report.failures:
        first_error = f": {run.errors[0]}" if run.errors else ""
        click.echo(f"  {_when(run.started_at, zone)}  {run.job}  {run.outcome}{first_error}")
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


def _last(run: object, zone: ZoneInfo) -> str:
    from mediamon.core.models import Run

    if not isinstance(run, Run):
        return "never"
    stored = (run.counts or {}).get(stat_keys.STORED)
    detail = f", {stored} new articles" if stored is not None else ""
    return f"{_when(run.started_at, zone)} {run.outcome}{detail}"


def _when(moment: datetime, zone: ZoneInfo) -> str:
    return f"{moment.astimezone(zone):%Y-%m-%d %H:%M:%S}"
