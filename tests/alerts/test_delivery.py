"""Delivering an alert for real: a webhook to a local receiver, e-mail through the real SMTP
server process (STARTTLS and a login), and Apprise's json:// scheme to a local HTTP server; a
dead target fails in one line, within its timeout."""

from __future__ import annotations

import socket
import time
from typing import Any

import pytest

from mediamon.alerts.delivery import Channels, DeliveryFailed, Outgoing, masked, send
from mediamon.core.config_models import EmailSettings
from tests.digest.test_digest_email import (  # the real SMTP server process, shared
    PASSWORD,
    USER,
    SmtpServer,
    smtp_server,
)

__all__ = ["smtp_server"]

OUTGOING = Outgoing(
    "mediamon [desk] new story: Drone strike on Belgorod depot",
    "Drone strike on Belgorod depot\n- new story\nlink: http://127.0.0.1/a\n",
    {"source": "mediamon", "subscription": "desk", "developments": [{"kind": "new_story"}]},
)


def channels(port: int = 25) -> Channels:
    server = EmailSettings(  # type: ignore[call-arg]
        smtp_host="127.0.0.1", smtp_port=port, username=USER, sender="alerts@example.org"
    )
    return Channels(server, timeout=5)


def test_a_webhook_receives_the_messages_json(webhook: Any) -> None:
    send(f"webhook:{webhook.url}", OUTGOING, channels())
    assert webhook.received == [OUTGOING.payload]


def test_an_email_goes_through_the_real_smtp_server(
    smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MEDIAMON_SMTP_PASSWORD", PASSWORD)
    send("email:desk@example.org,editor@example.org", OUTGOING, channels(smtp_server.port))
    [(message, envelope)] = smtp_server.messages()
    assert message["Subject"] == OUTGOING.title
    assert "Drone strike on Belgorod depot" in message.get_content()
    assert envelope["rcpt_tos"] == ["desk@example.org", "editor@example.org"]
    assert envelope["tls"] and envelope["authenticated"]


def test_an_apprise_json_url_reaches_a_local_receiver(webhook: Any) -> None:
    host, port = webhook.server_address
    send(f"apprise:json://{host}:{port}/hook", OUTGOING, channels())
    [received] = webhook.received
    assert received["title"] == OUTGOING.title
    assert received["message"] == OUTGOING.body.strip()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port  # nothing listens on it once the probe is closed


@pytest.mark.parametrize("scheme", ["webhook:http", "apprise:json"])
def test_a_dead_target_fails_in_one_line(scheme: str) -> None:
    started = time.monotonic()
    with pytest.raises(DeliveryFailed) as failure:
        send(f"{scheme}://127.0.0.1:{closed_port()}/hook", OUTGOING, channels())
    assert time.monotonic() - started < 5
    assert "\n" not in str(failure.value)


def test_secrets_in_targets_are_masked() -> None:
    assert masked("webhook:https://user:s3cret@hooks.example.org/x") == (
        "webhook:https://user:***@hooks.example.org/x"
    )
    assert masked("apprise:tgram://123456:TOKEN/chat") == "apprise:tgram://..."
