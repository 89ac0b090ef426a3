"""A real SMTP server for the e-mail tests, run in its own process: aiosmtpd with STARTTLS
required, AUTH required (only over TLS), and every accepted message written to a directory.

    python tests/support/smtp_server.py PORT CERT KEY USER PASSWORD MAILDIR
"""

from __future__ import annotations

import json
import ssl
import sys
import time
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword, Session


class Mailbox:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.count = 0

    async def handle_DATA(self, server: Any, session: Session, envelope: Envelope) -> str:
        self.count += 1
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "tls": session.ssl is not None,
            "authenticated": bool(session.authenticated),
        }
        stem = self.directory / f"message-{self.count}"
        stem.with_suffix(".eml").write_bytes(envelope.original_content or b"")
        stem.with_suffix(".json").write_text(json.dumps(record))
        return "250 Message accepted for delivery"


def authenticator(user: str, password: str) -> Any:
    def check(server: Any, session: Session, envelope: Envelope, mechanism: str, data: Any) -> Any:
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
            user.encode(),
            password.encode(),
        )
        return AuthResult(success=ok, handled=False)

    return check


def main(port: str, cert: str, key: str, user: str, password: str, maildir: str) -> None:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    controller = Controller(
        Mailbox(Path(maildir)),
        hostname="127.0.0.1",
        port=int(port),
        tls_context=context,
        require_starttls=True,
        auth_required=True,
        auth_require_tls=True,
        authenticator=authenticator(user, password),
        server_hostname="localhost",
    )
    controller.start()
    print("ready", flush=True)
    try:
        while True:
            time.sleep(3600)
    finally:
        controller.stop()


if __name__ == "__main__":
    main(*sys.argv[1:7])
