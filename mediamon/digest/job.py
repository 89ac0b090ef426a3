"""The digest job: build the digest, render it, write it to its file, optionally e-mail it, and
record the run.

Each run is recorded in the run history (a digest that could not be written or sent as failed);
each digest made is recorded with the stories it showed (mediamon.digest.records), which is what
the next period's digest marks its new stories against.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine

from mediamon.core.config import Config
from mediamon.core.digest_formats import DEFAULT_DIGEST_FORMAT, digest_format
from mediamon.core.files import write_atomically
from mediamon.core.names import DIGEST_JOB
from mediamon.core.runs import RunRecord
from mediamon.core.wording import counted
from mediamon.digest.build import build_digest
from mediamon.digest.formats import MAIL_PARTS, RENDERERS
from mediamon.digest.mailer import Mail, MailError, MailPart, send_mail
from mediamon.digest.model import Digest
from mediamon.digest.periods import day_window, period_kind
from mediamon.digest.records import previous_digest, record_digest

FEED_DAYS = 7


@dataclass(frozen=True)
class DigestRequest:
    start: datetime
    end: datetime
    topic: str | None = None
    format: str = DEFAULT_DIGEST_FORMAT
    email: bool = False
    out: Path | None = None
    open_ended: bool = False
    """The period ends with its newest article (``--since`` alone): its health notes tell of
    every crawl since its start."""


class DigestOutputError(RuntimeError):
    """The digest could not be written to its file; the message names the file and why."""


@dataclass(frozen=True)
class DigestResult:
    digest: Digest
    rendered: str
    emailed_to: tuple[str, ...]


def run_digest(engine: Engine, config: Config, request: DigestRequest) -> DigestResult:
    """Make the requested digest and record the run (outcome 'ok' or 'failed')."""
    if request.topic:
        config.topic(request.topic)  # an unknown topic fails before anything is recorded
    run = RunRecord.start(engine, DIGEST_JOB)
    try:
        result = _make(engine, config, request)
    except Exception as exc:
        run.fail(exc, {"topic": request.topic})
        raise
    run.finish("ok", _counts(request, result))
    return result


def _make(engine: Engine, config: Config, request: DigestRequest) -> DigestResult:
    digest = _build(engine, config, request.start, request.end, request.topic, request.open_ended)
    renderer = RENDERERS[request.format]
    daily = _daily_digests(engine, config, request) if renderer.daily else [digest]
    rendered = renderer.render(daily)
    if request.out is not None:
        _write(request.out, rendered)
    emailed = _email(config, digest) if request.email else ()
    kind = period_kind(request.start, request.end, config.settings.zone)
    shown = (story.key for story in digest.shown)
    record_digest(engine, request.topic, kind, (request.start, request.end), shown)
    return DigestResult(digest, rendered, emailed)


def _build(
    engine: Engine,
    config: Config,
    start: datetime,
    end: datetime,
    topic: str | None,
    open_ended: bool = False,
) -> Digest:
    """The digest of [start, end), its new stories marked against the previous digest of the
    same topic selection and period kind."""
    previous = previous_digest(engine, topic, period_kind(start, end, config.settings.zone), start)
    return build_digest(engine, config, start, end, topic, previous, open_ended)


def _write(out: Path, rendered: str) -> None:
    try:
        write_atomically(out, rendered)
    except OSError as exc:
        why = exc.strerror or str(exc)
        raise DigestOutputError(f"cannot write the digest to {out}: {why}") from exc


def _daily_digests(engine: Engine, config: Config, request: DigestRequest) -> list[Digest]:
    """One digest per day: the days of the period, or the last FEED_DAYS days up to it."""
    zone = config.settings.zone
    last = (request.end - timedelta(microseconds=1)).astimezone(zone).date()
    first = request.start.astimezone(zone).date()
    if last == first:
        first = last - timedelta(days=FEED_DAYS - 1)
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    windows = [day_window(day, zone) for day in days]
    return [_build(engine, config, s, e, request.topic) for s, e in windows]


def _email(config: Config, digest: Digest) -> tuple[str, ...]:
    settings = config.settings.digest.email
    if settings is None:
        raise MailError(
            f"--email needs a digest.email block in {config.directory / 'settings.yaml'} "
            "(smtp_host, smtp_port, sender, recipients)"
        )
    parts = tuple(_mail_part(name, digest) for name in MAIL_PARTS)
    return tuple(send_mail(settings, Mail(mail_subject(digest), parts)))


def _mail_part(format_name: str, digest: Digest) -> MailPart:
    return MailPart(digest_format(format_name).media_type, RENDERERS[format_name].render([digest]))


def mail_subject(digest: Digest) -> str:
    new = f", {digest.new_count} new" if digest.previous_period else ""
    return f"{digest.title}: {counted(digest.story_count, 'story')}{new}"


def _counts(request: DigestRequest, result: DigestResult) -> dict[str, object]:
    return {
        "topic": request.topic,
        "format": request.format,
        "start": request.start.isoformat(),
        "end": request.end.isoformat(),
        "articles": result.digest.article_count,
        "collected": result.digest.collected_count,
        "stories": result.digest.story_count,
        "new_stories": result.digest.new_count,
        "emailed_to": len(result.emailed_to),
    }
