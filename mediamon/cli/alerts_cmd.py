"""`mediamon alerts`: `alerts test SUBSCRIPTION` shows what a subscription would fire now against
the stored articles, without sending; `alerts log` shows what was sent, when, to whom, and what
failed."""

from __future__ import annotations

import click

from mediamon.cli.common import reading_config_options
from mediamon.core.context import Context


@click.group()
def alerts() -> None:
    """Alerts on developments of subscribed stories and topics (alerts.yaml)."""


@alerts.command("test")
@click.argument("subscription")
@reading_config_options
def test_subscription(ctx: Context, subscription: str) -> None:
    """Show what SUBSCRIPTION would fire now against the stored articles, without sending:
    each development, and whether it was already recorded (sent or waiting)."""
    from mediamon.alerts.check import preview
    from mediamon.alerts.log import recorded_keys

    try:
        found = preview(ctx.engine, ctx.config, subscription)
    except KeyError as exc:
        raise click.UsageError(str(exc.args[0])) from exc
    recorded = recorded_keys(ctx.engine, subscription)
    for development in found:
        state = "recorded" if development.key in recorded else "new"
        click.echo(f"{state:8}  {development.kind:13}  {development.summary}")
    fresh = sum(1 for d in found if d.key not in recorded)
    click.echo(f"{len(found)} development(s) now, {fresh} not recorded yet (nothing was sent)")


@alerts.command("log")
@click.option("--limit", default=50, show_default=True, help="Show this many latest messages.")
@click.option("--subscription", help="Only this subscription's messages.")
@reading_config_options
def log(ctx: Context, limit: int, subscription: str | None) -> None:
    """Show the latest messages: when, to whom, how each delivery went, and failures."""
    from mediamon.alerts.delivery import masked
    from mediamon.alerts.log import latest_messages

    entries = latest_messages(ctx.engine, limit, subscription)
    for entry in entries:
        click.echo(f"{entry.created_at:%Y-%m-%d %H:%M:%S}  [{entry.subscription}] {entry.title}")
        for delivery in entry.deliveries:
            when = f" at {delivery.delivered_at:%H:%M:%S}" if delivery.delivered_at else ""
            error = f": {delivery.last_error}" if delivery.last_error else ""
            click.echo(
                f"    {delivery.status}{when} to {masked(delivery.target)} "
                f"(attempts {delivery.attempts}){error}"
            )
    click.echo(f"{len(entries)} message(s)")
