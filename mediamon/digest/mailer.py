"""Sending the digest by e-mail: SMTP with STARTTLS, a text part and an HTML part.

The password is never in the config files: settings name the environment variable holding it.
Credentials are only ever sent over TLS.
"""

from __future__ import annotations

import os
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from mediamon.core.config_models import EmailSettings
from mediamon.core.models import utcnow
from mediamon.core.names import SMTP_USERNAME_ENV

TIMEOUT_S = 30


class MailError(RuntimeError):
    """The digest could not be sent; the message says what to change."""


@dataclass(frozen=True)
class MailPart:
    media_type: str
    """A text/* type, e.g. text/plain (mediamon.core.digest_formats)."""
    content: str


@dataclass(frozen=True)
class Mail:
    subject: str
    parts: tuple[MailPart, ...]
    """Alternatives of the same content, the plainest first (clients prefer the last)."""


def build_message(settings: EmailSettings, mail: Mail) -> EmailMessage:
    """A multipart/alternative message of the mail's parts, e.g. plain text and HTML."""
    if not settings.recipients:
        raise MailError("digest.email.recipients in settings.yaml is empty: add an address")
    message = EmailMessage()
    message["Subject"] = mail.subject
    message["From"] = settings.sender
    message["To"] = ", ".join(settings.recipients)
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = make_msgid(domain=settings.sender.rpartition("@")[2] or None)
    first, *alternatives = mail.parts
    message.set_content(first.content, subtype=_subtype(first))
    for part in alternatives:
        message.add_alternative(part.content, subtype=_subtype(part))
    return message


def send_mail(
    settings: EmailSettings, mail: Mail, environ: Mapping[str, str] = os.environ
) -> list[str]:
    """Send ``mail`` to the configured recipients; return who the server accepted."""
    message = build_message(settings, mail)
    credentials = _credentials(settings, environ)
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=TIMEOUT_S) as smtp:
            _secure(smtp, settings, credentials is not None)
            if credentials:
                smtp.login(*credentials)
            refused = smtp.send_message(message)
    except smtplib.SMTPAuthenticationError as exc:
        user = credentials[0] if credentials else ""
        raise MailError(
            f"{_server(settings)} refused the login for {user!r}: "
            f"check digest.email.username and ${settings.password_env}"
        ) from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise MailError(f"could not send the digest through {_server(settings)}: {exc}") from exc
    return [r for r in settings.recipients if r not in refused]


def _credentials(settings: EmailSettings, environ: Mapping[str, str]) -> tuple[str, str] | None:
    username = environ.get(SMTP_USERNAME_ENV) or settings.username
    if not username:
        return None
    password = environ.get(settings.password_env)
    if password is None:
        raise MailError(
            f"SMTP user {username!r} is set but ${settings.password_env} is not: "
            f"export {settings.password_env}=... (digest.email.password_env names the variable)"
        )
    return username, password


def _secure(smtp: smtplib.SMTP, settings: EmailSettings, will_login: bool) -> None:
    smtp.ehlo()
    if settings.starttls:
        if not smtp.has_extn("starttls"):
            raise MailError(f"{_server(settings)} does not offer STARTTLS; the digest was not sent")
        smtp.starttls(context=ssl.create_default_context())
        smtp.ehlo()
    elif will_login:
        raise MailError(
            "refusing to send the SMTP password unencrypted: set digest.email.starttls: true"
        )


def _subtype(part: MailPart) -> str:
    maintype, _, subtype = part.media_type.partition("/")
    if maintype != "text":
        raise ValueError(f"a mail part is text, not {part.media_type}")
    return subtype


def _server(settings: EmailSettings) -> str:
    return f"SMTP server {settings.smtp_host}:{settings.smtp_port}"
