"""Access to the workspace: the token, the login cookie, CSRF, the security headers, and the
refusal to serve a non-loopback address without a token."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from mediamon.core.context import Context
from mediamon.core.exit_codes import ExitCode
from mediamon.core.models import BoilerplateLine
from mediamon.extract.learned import TemplateLines, line_hash
from mediamon.web.security import CSRF_COOKIE, SESSION_COOKIE
from tests.support import PROJECT_CONFIG
from tests.support.web_api import CANARY, TOKEN, client, database_file, seed

PAGES = [
    "/",
    "/topics/belgorod-incursion",
    "/stories/1",
    "/search?q=belgorod",
    "/search.csv?q=belgorod",
    "/search.json?q=belgorod",
    "/outlets",
    "/outlets/meduza-en",
    "/runs",
    "/runs/1",
    "/digests",
    "/articles/1/actions",
    "/static/style.css",
    "/no-such-page",
]
API_CALLS = [
    "/api/v1/topics",
    "/api/v1/stories",
    "/api/v1/stories/1",
    "/api/v1/articles",
    "/api/v1/articles/1",
    "/api/v1/search?q=belgorod",
    "/api/v1/outlets",
    "/api/v1/outlets/meduza-en",
    "/api/v1/runs",
    "/api/v1/runs/1",
    "/api/v1/openapi.json",
    "/api/v1/docs",
    "/api/v1/no-such-call",
]


LINE = "Follow our live coverage of the war on our Telegram channel."
PIN = f"/outlets/meduza-en/boilerplate/{line_hash(LINE)}/pin"


@pytest.fixture(scope="module")
def collection(tmp_path_factory: pytest.TempPathFactory) -> Context:
    ctx = seed(database_file(tmp_path_factory.mktemp("access")))
    lines = TemplateLines(ctx.engine, ctx.config.settings.boilerplate_min_articles)
    lines.set_status("meduza-en", LINE, "exempt")
    return ctx


@pytest.fixture
def guarded(collection: Context) -> Iterator[TestClient]:
    yield from client(collection, TOKEN)


@pytest.fixture
def open_app(collection: Context) -> Iterator[TestClient]:
    yield from client(collection)


@pytest.mark.parametrize("path", PAGES + API_CALLS)
def test_without_the_token_every_page_and_call_answers_401(guarded: TestClient, path: str) -> None:
    response = guarded.get(path)
    assert response.status_code == 401
    assert CANARY not in response.text
    if path.startswith("/api/"):
        assert response.json() == {"error": "authentication required: send the access token"}
    else:
        assert 'name="token"' in response.text  # the login form


@pytest.mark.parametrize("path", ["/api/v1/articles", "/api/v1/search?q=belgorod", "/"])
def test_a_wrong_token_is_refused_too(guarded: TestClient, path: str) -> None:
    assert guarded.get(path, headers={"Authorization": "Bearer nope"}).status_code == 401
    guarded.cookies.set(SESSION_COOKIE, TOKEN)  # the token itself is not a session
    assert guarded.get(path).status_code == 401


def test_the_bearer_token_lets_a_call_in(guarded: TestClient) -> None:
    response = guarded.get("/api/v1/articles", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert len(response.json()["items"]) == 6


def test_the_login_form_sets_an_httponly_strict_cookie_that_opens_the_pages(
    guarded: TestClient,
) -> None:
    form = guarded.get("/login")
    csrf = guarded.cookies[CSRF_COOKIE]
    assert f'value="{csrf}"' in form.text
    wrong = guarded.post("/login", data={"token": "nope", "csrf_token": csrf})
    assert wrong.status_code == 401
    assert SESSION_COOKIE not in guarded.cookies
    signed_in = guarded.post(
        "/login", data={"token": TOKEN, "csrf_token": csrf}, follow_redirects=False
    )
    assert signed_in.status_code == 303
    cookie = signed_in.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and TOKEN not in cookie
    assert "HttpOnly" in form.headers["set-cookie"]  # the CSRF cookie: no script reads it
    assert guarded.get("/api/v1/topics").status_code == 200
    assert guarded.get("/").status_code == 200


def test_a_login_without_the_csrf_token_is_refused(guarded: TestClient) -> None:
    guarded.get("/login")
    response = guarded.post("/login", data={"token": TOKEN}, follow_redirects=False)
    assert response.status_code == 403
    assert SESSION_COOKIE not in guarded.cookies


def _line_status(ctx: Context) -> list[tuple[str, str]]:
    with Session(ctx.engine) as session:
        rows = session.execute(select(BoilerplateLine.line_hash, BoilerplateLine.status)).all()
    return sorted((h, s) for h, s in rows)


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
def test_a_state_changing_request_without_the_csrf_token_is_refused(
    open_app: TestClient, collection: Context, method: str
) -> None:
    before = _line_status(collection)
    assert [line for line, _ in before] == [line_hash(LINE)]
    open_app.get("/")  # the browser holds the CSRF cookie, as a victim's would
    assert open_app.request(method, PIN).status_code == 403
    forged = open_app.request(method, PIN, data={"csrf_token": "guessed"})
    assert forged.status_code == 403
    assert _line_status(collection) == before


def test_the_same_request_with_the_csrf_token_is_carried_out(
    guarded: TestClient, collection: Context
) -> None:
    guarded.get("/login")
    csrf = guarded.cookies[CSRF_COOKIE]
    response = guarded.post(PIN, data={"csrf_token": csrf}, follow_redirects=False)
    assert response.status_code == 401  # the token is still needed
    headers = {"Authorization": f"Bearer {TOKEN}"}
    assert guarded.post(PIN, headers=headers, follow_redirects=False).status_code == 303
    assert _line_status(collection) == [(line_hash(LINE), "pinned")]


def test_a_cookie_without_its_form_field_is_not_enough(
    open_app: TestClient, collection: Context
) -> None:
    """Double submit: a request carrying only the cookie (as a cross-site form would) fails."""
    open_app.get("/")
    csrf = open_app.cookies[CSRF_COOKIE]
    refused = open_app.post("/api/v1/topics", headers={"X-CSRF-Token": csrf + "x"})
    assert refused.status_code == 403
    passed = open_app.post("/api/v1/topics", headers={"X-CSRF-Token": csrf})
    assert passed.status_code != 403  # it reaches the app (which has no such action)


@pytest.mark.parametrize("path", ["/", "/api/v1/topics", "/api/v1/nothing", "/static/style.css"])
def test_security_headers_are_on_every_response(open_app: TestClient, path: str) -> None:
    headers = open_app.get(path).headers
    policy = headers["content-security-policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy
    assert "frame-ancestors 'none'" in policy
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "no-referrer"


def _serve(
    args: list[str], env: dict[str, str], tmp_path: Path
) -> subprocess.CompletedProcess[str]:
    database = database_file(tmp_path)
    seed(database)
    return subprocess.run(
        [sys.executable, "-m", "mediamon", "serve", "--config", str(PROJECT_CONFIG),
         "--database-url", database, *args],
        capture_output=True, text=True, timeout=60, env=env,
    )  # fmt: skip


@pytest.mark.parametrize("host", ["0.0.0.0", "192.0.2.1", "example.org", "::"])
def test_a_non_loopback_bind_without_a_token_refuses_to_start(tmp_path: Path, host: str) -> None:
    env = {k: v for k, v in os.environ.items() if k != "MEDIAMON_WEB_TOKEN"}
    result = _serve(["--host", host, "--port", "0"], env, tmp_path)
    assert result.returncode == ExitCode.USAGE
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "without an access token" in lines[0]
    assert "Traceback" not in result.stderr


def test_an_empty_token_file_is_no_token(tmp_path: Path) -> None:
    empty = tmp_path / "token"
    empty.write_text("\n")
    result = _serve(["--host", "0.0.0.0", "--token-file", str(empty)], dict(os.environ), tmp_path)
    assert result.returncode == ExitCode.USAGE
    assert "is empty" in result.stderr


def test_without_a_token_only_loopback_host_names_are_answered(collection: Context) -> None:
    """A page elsewhere cannot read the workspace through a DNS name rebound to 127.0.0.1."""
    from mediamon.web.server import workspace_app

    with TestClient(workspace_app(collection, None), base_url="http://127.0.0.1") as local:
        assert local.get("/api/v1/topics").status_code == 200
        rebound = local.get("/api/v1/articles/1", headers={"Host": "attacker.example"})
        assert rebound.status_code == 400
        assert CANARY not in rebound.text
