"""`mediamon digest`: write (and optionally e-mail) the digest of a day or of a period."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import click
from sqlalchemy import Engine

from mediamon.cli.common import reading_config_options
from mediamon.core.context import Context
from mediamon.core.digest_formats import DEFAULT_DIGEST_FORMAT, DIGEST_FORMAT_NAMES, formats_help

SINCE_FORMATS = ["%Y-%m-%d", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


@click.command()
@click.option(
    "--date",
    "day",
    type=click.DateTime(["%Y-%m-%d"]),
    help="The day to digest, in the configured time zone [default: today].",
)
@click.option(
    "--since",
    type=click.DateTime(SINCE_FORMATS),
    help="Digest everything from this day or time (configured zone) up to --until, or else "
    "up to the newest article, e.g. 2023-05-22 or '2023-05-22 18:00'.",
)
@click.option(
    "--until",
    type=click.DateTime(SINCE_FORMATS),
    help="With --since: up to this time, or to the end of this day when no time is given "
    "(configured zone), e.g. 2023-05-26 or '2023-05-26 12:00' [default: the newest article].",
)
@click.option("--topic", help="Only this topic (its id in topics.yaml) [default: every topic].")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(DIGEST_FORMAT_NAMES),
    default=DEFAULT_DIGEST_FORMAT,
    show_default=True,
    help=formats_help(),
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the digest to this file, replacing it in one step (a failed write leaves it "
    "as it was) [default: standard output, unless --email].",
)
@click.option(
    "--email",
    is_flag=True,
    help="Also send it (text and HTML) to digest.email.recipients over SMTP with STARTTLS.",
)
@reading_config_options
def digest(
    ctx: Context,
    day: datetime | None,
    since: datetime | None,
    until: datetime | None,
    topic: str | None,
    output_format: str,
    out: Path | None,
    email: bool,
) -> None:
    """Write the digest: per topic, the stories ranked by how many outlets covered them and how
    recently, with outlet counts, a coverage timeline and outlet health notes.

    Each run is recorded; stories that the previous digest of the same topics and kind of
    period (the day before, for a day) did not show are marked new.
    """
    from mediamon.digest.job import DigestOutputError, DigestRequest, run_digest
    from mediamon.digest.mailer import MailError

    zone = ctx.config.settings.zone
    start, end = period(ctx.engine, day, since, until, zone)
    open_ended = since is not None and until is None
    request = DigestRequest(start, end, topic, output_format, email, out, open_ended)
    try:
        result = run_digest(ctx.engine, ctx.config, request)
    except (KeyError, MailError, DigestOutputError) as exc:
        raise click.ClickException(str(exc.args[0]) if exc.args else str(exc)) from exc
    if out is not None:
        click.echo(f"digest written to {out}", err=True)
    elif not email:
        click.echo(result.rendered, nl=False)
    if result.emailed_to:
        click.echo(f"digest e-mailed to {', '.join(result.emailed_to)}", err=True)


def period(
    engine: Engine,
    day: datetime | None,
    since: datetime | None,
    until: datetime | None,
    zone: ZoneInfo,
) -> tuple[datetime, datetime]:
    from mediamon.digest.periods import day_window

    if day and since:
        raise click.UsageError("give either --date or --since, not both")
    if until and not since:
        raise click.UsageError("--until goes with --since")
    now = datetime.now(zone)
    if since:
        start = since.replace(tzinfo=zone)
        if start >= now:
            raise click.UsageError(f"--since {since:%Y-%m-%d %H:%M} is in the future")
        end = until_end(until, zone) if until else newest_end(engine, start, now)
        if end <= start:
            raise click.UsageError("--until must come after --since")
        return start, end
    return day_window((day or now).date(), zone)


def until_end(until: datetime, zone: ZoneInfo) -> datetime:
    """--until's end of the period: the time given, or the end of the day given."""
    end = until.replace(tzinfo=zone)
    return end + timedelta(days=1) if end.time() == time.min else end


def newest_end(engine: Engine, start: datetime, now: datetime) -> datetime:
    """The period from ``start`` ends with its newest article (so the same data gives the same
    digest whenever it is written); with no article since ``start``, it ends now."""
    from mediamon.digest.selection import newest_article_time

    newest = newest_article_time(engine, start)
    if newest is None:
        return now
    return min(newest + timedelta(microseconds=1), now)
