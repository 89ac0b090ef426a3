"""Access and browser hardening: token authentication, CSRF, Content-Security-Policy, headers."""

from __future__ import annotations

from fastapi import FastAPI


def install_security(app: FastAPI, token: str | None) -> None:
    """Require ``token`` on every request (when set), add the security headers and CSRF checks."""
    app.state.token = token
