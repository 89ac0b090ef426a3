"""`mediamon boilerplate`: review an outlet's learned template lines; pin or exempt them."""

from __future__ import annotations

import click

from mediamon.cli.common import config_options, reading_config_options
from mediamon.core.context import Context
from mediamon.extract.learned import TemplateLines

STATUSES = ("candidate", "learned", "pinned", "exempt")
PREVIEW_CHARS = 100


@click.group()
def boilerplate() -> None:
    """Lines removed from an outlet's articles because they recur across many of them."""


@boilerplate.command("list")
@click.argument("outlet")
@click.option(
    "--status",
    "statuses",
    multiple=True,
    type=click.Choice(STATUSES),
    help="Only lines with this status; repeatable [default: learned, pinned, exempt].",
)
@click.option("--all", "show_all", is_flag=True, help="Include candidates (seen, not yet learned).")
@reading_config_options
def list_lines(outlet: str, statuses: tuple[str, ...], show_all: bool, ctx: Context) -> None:
    """Show OUTLET's template lines: articles seen in, status, hash, and the text."""
    wanted = () if show_all else statuses or ("learned", "pinned", "exempt")
    lines = _store(ctx, outlet).lines(outlet, wanted)
    if not lines:
        click.echo(f"no template lines for {outlet} yet")
    for line in lines:
        text = line.text if len(line.text) <= PREVIEW_CHARS else line.text[:PREVIEW_CHARS] + "…"
        click.echo(f"{line.article_count:6}  {line.status:9}  {line.line_hash[:12]}  {text}")


@boilerplate.command("pin")
@click.argument("outlet")
@click.argument("text_or_hash")
@config_options
def pin(outlet: str, text_or_hash: str, ctx: Context) -> None:
    """Always remove a line from OUTLET's articles (give its text or its hash from `list`)."""
    _set(ctx, outlet, text_or_hash, "pinned")


@boilerplate.command("exempt")
@click.argument("outlet")
@click.argument("text_or_hash")
@config_options
def exempt(outlet: str, text_or_hash: str, ctx: Context) -> None:
    """Never remove a line from OUTLET's articles, however often it recurs."""
    _set(ctx, outlet, text_or_hash, "exempt")


def _set(ctx: Context, outlet: str, text_or_hash: str, status: str) -> None:
    line = _store(ctx, outlet).set_status(outlet, text_or_hash, status)
    click.echo(f"{status} {line.line_hash[:12]}  {line.text[:PREVIEW_CHARS]}")
    click.echo(f"run `mediamon reextract --outlet {outlet}` to apply it to stored articles")


def _store(ctx: Context, outlet: str) -> TemplateLines:
    try:
        ctx.config.outlet(outlet)
    except KeyError as exc:
        raise click.ClickException(str(exc.args[0])) from exc
    return TemplateLines(ctx.engine, ctx.config.settings.boilerplate_min_articles)
