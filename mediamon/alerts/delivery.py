"""Sending a message to one target. The channels are a table, :data:`CHANNELS`: a JSON webhook,
e-mail through the configured SMTP server, and any Apprise URL (e-mail, Slack, Telegram, Matrix,
ntfy, Discord...). Each call has a timeout; a failure is :class:`DeliveryFailed`, one line.

The health alerts of mediamon.ops are delivered through :func:`post_json` and
:func:`send_text_mail` too.
"""

from __future__ import annotations

import json
import logging
import re
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from mediamon.core.config_models import EmailSettings
from mediamon.digest.mailer import Mail, MailError, MailPart, send_mail

logger = logging.getLogger(__name__)
DEFAULT_TIMEOUT = 10.0
SECRET_IN_URL = re.compile(r"(//[^/:@]*:)[^@/]*@")


class DeliveryFailed(Exception):
    """A target did not take the message; the text says why, in one line."""


@dataclass(frozen=True)
class Outgoing:
    title: str
    body: str
    payload: dict[str, Any]


@dataclass(frozen=True)
class Channels:
    """What delivery needs besides the target: the SMTP server and the timeout."""

    smtp: EmailSettings
    timeout: float = DEFAULT_TIMEOUT


def post_json(url: str, payload: dict[str, Any], timeout: float = DEFAULT_TIMEOUT) -> None:
    body = json.dumps(payload).encode("utf-8")
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
    except (OSError, ValueError) as exc:
        raise DeliveryFailed(f"webhook {masked(url)}: {exc}") from exc


def send_text_mail(
    server: EmailSettings, recipients: Sequence[str], subject: str, body: str
) -> None:
    settings = server.model_copy(update={"recipients": list(recipients)})
    try:
        send_mail(settings, Mail(subject, (MailPart("text/plain", body),)))
    except MailError as exc:
        raise DeliveryFailed(f"e-mail to {', '.join(recipients)}: {exc}") from exc


def notify_apprise(url: str, title: str, body: str, timeout: float = DEFAULT_TIMEOUT) -> None:
    import apprise  # imported when used: it loads every plugin, which takes a while

    notifier = apprise.Apprise(asset=apprise.AppriseAsset(async_mode=False))
    separator = "&" if "?" in url else "?"
    if not notifier.add(f"{url}{separator}cto={timeout}&rto={timeout}"):
        raise DeliveryFailed(f"apprise {masked(url)}: not a URL Apprise knows")
    if not notifier.notify(body=body, title=title):
        raise DeliveryFailed(f"apprise {masked(url)}: the service did not take the message")


def _webhook(address: str, outgoing: Outgoing, channels: Channels) -> None:
    post_json(address, outgoing.payload, channels.timeout)


def _email(address: str, outgoing: Outgoing, channels: Channels) -> None:
    send_text_mail(channels.smtp, address.split(","), outgoing.title, outgoing.body)


def _apprise(address: str, outgoing: Outgoing, channels: Channels) -> None:
    notify_apprise(address, outgoing.title, outgoing.body, channels.timeout)


CHANNELS: dict[str, Callable[[str, Outgoing, Channels], None]] = {
    "webhook": _webhook,
    "email": _email,
    "apprise": _apprise,
}


def target_string(channel: str, address: str | Sequence[str]) -> str:
    """A target as the outbox keeps it: ``webhook:URL``, ``email:a@x,b@y``, ``apprise:URL``."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}; known: {sorted(CHANNELS)}")
    return f"{channel}:{address if isinstance(address, str) else ','.join(address)}"


def send(target: str, outgoing: Outgoing, channels: Channels) -> None:
    """Send ``outgoing`` to ``target``; :class:`DeliveryFailed` when it did not arrive."""
    channel, _, address = target.partition(":")
    CHANNELS[channel](address, outgoing, channels)


def masked(target: str) -> str:
    """A target as shown in logs: passwords in it hidden; of an Apprise URL only its service
    (its host and path hold the service's tokens)."""
    channel, _, address = target.partition(":")
    if channel == "apprise":
        return f"apprise:{urlsplit(address).scheme}://..."
    return SECRET_IN_URL.sub(r"\1***@", target)
