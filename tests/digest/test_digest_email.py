"""E-mailing the digest: a real aiosmtpd server process that requires STARTTLS and a login."""

from __future__ import annotations

import email
import email.policy
import ipaddress
import json
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from mediamon.core.db import open_database
from tests.support import REPO
from tests.support.digest import DAY, add_article, at, run_digest_cli

USER, PASSWORD = "analyst", "correct horse battery staple"
RECIPIENTS = ["desk@example.org", "editor@example.org"]


@dataclass(frozen=True)
class SmtpServer:
    port: int
    maildir: Path

    def messages(self) -> list[tuple[EmailMessage, dict[str, object]]]:
        found = []
        for raw in sorted(self.maildir.glob("*.eml")):
            message = email.message_from_bytes(raw.read_bytes(), policy=email.policy.default)
            found.append((message, json.loads(raw.with_suffix(".json").read_text())))
        return found


def write_self_signed_cert(directory: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "mediamon test SMTP")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "smtp-cert.pem", directory / "smtp-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def smtp_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[SmtpServer]:
    cert, key = write_self_signed_cert(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # how a user trusts a private CA, too
    maildir = tmp_path / "maildir"
    maildir.mkdir()
    port = free_port()
    script = REPO / "tests" / "support" / "smtp_server.py"
    args = [str(port), str(cert), str(key), USER, PASSWORD, str(maildir)]
    process = subprocess.Popen(
        [sys.executable, str(script), *args], stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None and process.stdout.readline().strip() == "ready"
        yield SmtpServer(port, maildir)
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def mail_config(config_dir: Path, smtp_server: SmtpServer) -> Path:
    settings = config_dir / "settings.yaml"
    text = settings.read_text(encoding="utf-8").replace(
        "  email: null",
        f"  email:\n    smtp_host: 127.0.0.1\n    smtp_port: {smtp_server.port}\n"
        f"    starttls: true\n    username: {USER}\n    sender: digest@example.org\n"
        f"    recipients: [{', '.join(RECIPIENTS)}]",
    )
    settings.write_text(text, encoding="utf-8")
    return config_dir


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "mail.sqlite"
    engine = open_database(f"sqlite:///{path}")
    add_article(engine, "tass", "Saboteurs <b>repelled</b> near Graivoron", at(9))
    add_article(engine, "kyivindependent", "Russian Volunteer Corps enters Kozinka", at(11))
    engine.dispose()
    return path


def test_digest_is_emailed_over_starttls_with_login_as_text_and_html(
    mail_config: Path,
    database: Path,
    smtp_server: SmtpServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MEDIAMON_SMTP_PASSWORD", PASSWORD)
    result = run_digest_cli(mail_config, database, "--date", DAY.isoformat(), "--email")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""  # with --email and no --out nothing is dumped on the terminal
    assert "e-mailed to desk@example.org, editor@example.org" in result.stderr
    [(message, envelope)] = smtp_server.messages()
    assert envelope == {
        "mail_from": "digest@example.org",
        "rcpt_tos": RECIPIENTS,
        "tls": True,
        "authenticated": True,
    }
    assert message["Subject"] == "mediamon digest: 2023-05-22: 2 stories"
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None and html is not None
    assert "Saboteurs <b>repelled</b> near Graivoron" in text.get_content()
    assert "Saboteurs &lt;b&gt;repelled&lt;/b&gt; near Graivoron" in html.get_content()
    assert "<svg" in html.get_content()


def test_a_refused_login_is_reported_and_nothing_is_sent(
    mail_config: Path,
    database: Path,
    smtp_server: SmtpServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MEDIAMON_SMTP_PASSWORD", "wrong")
    result = run_digest_cli(mail_config, database, "--date", DAY.isoformat(), "--email")
    assert result.exit_code == 1
    assert "refused the login for 'analyst'" in result.output
    assert "$MEDIAMON_SMTP_PASSWORD" in result.output
    assert smtp_server.messages() == []


def test_a_missing_password_names_the_variable_to_set(
    mail_config: Path, database: Path, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MEDIAMON_SMTP_PASSWORD", raising=False)
    result = run_digest_cli(mail_config, database, "--date", DAY.isoformat(), "--email")
    assert result.exit_code == 1
    assert "export MEDIAMON_SMTP_PASSWORD=" in result.output
    assert smtp_server.messages() == []


def test_the_email_marks_the_same_stories_new_as_the_files_of_the_day(
    mail_config: Path,
    database: Path,
    smtp_server: SmtpServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MEDIAMON_SMTP_PASSWORD", PASSWORD)
    engine = open_database(f"sqlite:///{database}")
    before = add_article(engine, "bbc", "Belgorod shelled", at(9, day=DAY - timedelta(days=1)))
    add_article(engine, "guardian", "Belgorod shelled (wire)", at(8), duplicate_of=before)
    engine.dispose()
    run_digest_cli(mail_config, database, "--date", (DAY - timedelta(days=1)).isoformat())
    markdown = run_digest_cli(mail_config, database, "--date", DAY.isoformat()).stdout
    result = run_digest_cli(mail_config, database, "--date", DAY.isoformat(), "--email")
    assert result.exit_code == 0, result.output
    [(message, _)] = smtp_server.messages()
    assert message["Subject"] == "mediamon digest: 2023-05-22: 3 stories, 2 new"
    text = message.get_body(("plain",))
    assert text is not None
    assert "2 new since the previous digest (2023-05-21)" in text.get_content()
    assert "[NEW] Belgorod shelled (wire)" not in text.get_content()
    assert "2 new since the previous digest (2023-05-21)" in markdown
