"""The Outlets, Runs and Digests pages and the actions that change data, through the HTTP app:
what each shows, that an action with the CSRF token does what it says, and that a sent digest
is shown as written, in a sandbox."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from html import unescape
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from mediamon.core.context import Context
from mediamon.core.models import ArticleRow, BoilerplateLine, Run
from mediamon.digest.records import record_digest
from mediamon.extract.learned import TemplateLines, line_hash
from mediamon.ops.jobs import scheduled_digest_path
from tests.support.articles import Pipelines, make_article
from tests.support.web_api import client, database_file, seed

APPEAL = "Reporting by the Riga desk, with photographs by the picture service of the newsroom."
PARAGRAPHS = [
    "Fighters of the Freedom of Russia Legion crossed the border near Grayvoron on Monday.",
    "The regional governor said several villages were shelled and residents evacuated.",
    "Russia's defence ministry later claimed the group had been pushed back across the border.",
]


@pytest.fixture
def ctx(tmp_path: Path, config_dir: Path) -> Context:
    # a copy of the config: the digests this file writes go beside it, not into the project
    ctx = seed(database_file(tmp_path), config_dir)
    html = "<html><head><title>Raid</title></head><body><article><h1>Raid near Grayvoron</h1>"
    html += "".join(f"<p>{p}</p>" for p in [*PARAGRAPHS, APPEAL]) + "</article></body></html>"
    article = make_article(
        "https://meduza.io/en/feature/raid",
        "\n\n".join(PARAGRAPHS),
        title="Raid near Grayvoron",
        outlet_id="meduza-en",
    )
    Pipelines(ctx.engine).run(replace(article, html=html.encode(), removed={"template": [APPEAL]}))
    lines = TemplateLines(ctx.engine, ctx.config.settings.boilerplate_min_articles)
    lines.set_status("meduza-en", APPEAL, "pinned")
    return ctx


@pytest.fixture
def site(ctx: Context) -> Iterator[TestClient]:
    yield from client(ctx)


def status_of(ctx: Context, text: str) -> str:
    with Session(ctx.engine) as session:
        row = session.get(BoilerplateLine, ("meduza-en", line_hash(text)))
        assert row is not None
        return row.status


def form_token(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found is not None
    return unescape(found.group(1))


def test_outlets_show_counts_and_each_outlet_its_lines(site: TestClient) -> None:
    page = site.get("/outlets").text
    row = re.search(
        r'<a href="/outlets/meduza-en">[^<]+</a></td>\s*<td>[^<]*</td>\s*<td class="num">(\d+)',
        page,
    )
    assert row is not None and row.group(1) == "6"
    outlet = site.get("/outlets/meduza-en").text
    assert APPEAL in outlet and "pinned" in outlet


def test_exempting_a_line_with_the_form_changes_its_status(site: TestClient, ctx: Context) -> None:
    page = site.get("/outlets/meduza-en").text
    action = f"/outlets/meduza-en/boilerplate/{line_hash(APPEAL)}/exempt"
    assert f'action="{action}"' in page
    done = site.post(action, data={"csrf_token": form_token(page)}, follow_redirects=False)
    assert done.status_code == 303
    assert status_of(ctx, APPEAL) == "exempt"


def test_the_same_request_without_the_csrf_token_changes_nothing(
    site: TestClient, ctx: Context
) -> None:
    site.get("/outlets/meduza-en")
    action = f"/outlets/meduza-en/boilerplate/{line_hash(APPEAL)}/exempt"
    assert site.post(action).status_code == 403
    assert site.post(action, data={"csrf_token": "forged"}).status_code == 403
    assert status_of(ctx, APPEAL) == "pinned"


def test_an_unknown_line_is_never_created_by_its_hash(site: TestClient, ctx: Context) -> None:
    page = site.get("/outlets/meduza-en").text
    response = site.post(
        f"/outlets/meduza-en/boilerplate/{'0' * 40}/pin", data={"csrf_token": form_token(page)}
    )
    assert response.status_code == 404
    with Session(ctx.engine) as session:
        assert session.get(BoilerplateLine, ("meduza-en", "0" * 40)) is None


def test_marking_an_article_not_boilerplate_gives_its_text_the_line_back(
    site: TestClient, ctx: Context
) -> None:
    with Session(ctx.engine) as session:
        article_id = session.scalar(
            select(ArticleRow.id).where(ArticleRow.url == "https://meduza.io/en/feature/raid")
        )
    assert f'href="/articles/{article_id}/actions"' in site.get(f"/articles/{article_id}").text
    page = site.get(f"/articles/{article_id}/actions").text
    assert APPEAL in page
    done = site.post(
        f"/articles/{article_id}/not-boilerplate",
        data={"csrf_token": form_token(page)},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert status_of(ctx, APPEAL) == "exempt"
    with Session(ctx.engine) as session:
        row = session.get(ArticleRow, article_id)
        assert row is not None
        assert APPEAL in row.text and PARAGRAPHS[0] in row.text


def test_runs_show_a_failure_with_the_lines_of_its_log(
    site: TestClient, ctx: Context, tmp_path: Path
) -> None:
    log = tmp_path / "run.log"
    log.write_text(
        "2023-05-22 09:00:00 INFO mediamon: crawling\n"
        "2023-05-22 09:00:01 WARNING mediamon: meduza-en https://meduza.io/rss: timeout\n"
    )
    with Session(ctx.engine) as session, session.begin():
        run = session.scalars(select(Run)).one()
        run.log_path = str(log)
        run_id = run.id
    page = site.get("/runs").text
    assert "feed https://example.org/rss failed: timeout" in page
    assert "meduza.io/rss: timeout" in page and "crawling" not in page
    assert "meduza.io/rss: timeout" in site.get(f"/runs/{run_id}").text


def test_a_digest_is_shown_as_it_was_sent_in_a_sandbox(site: TestClient, ctx: Context) -> None:
    start = datetime(2023, 5, 22, tzinfo=UTC)
    record_digest(ctx.engine, None, "day", (start, start + timedelta(days=1)), ["story:1"])
    sent = scheduled_digest_path(ctx.config, "2023-05-22", "html")
    sent.parent.mkdir(parents=True, exist_ok=True)
    sent.write_text("<html><style>h1{color:red}</style><h1>Digest of 2023-05-22</h1></html>")
    page = site.get("/digests").text
    assert '<a href="/digests/2023-05-22/html">html</a>' in page
    shown = site.get("/digests/2023-05-22/html")
    assert shown.text == sent.read_text()
    policy = shown.headers["content-security-policy"]
    assert policy.startswith("sandbox;") and "script-src" not in policy
    assert site.get("/digests/2023-05-22/md").status_code == 404
    assert site.get("/digests/..%2f..%2fetc/html").status_code == 404
