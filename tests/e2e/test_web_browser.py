"""The workspace in a real browser (Playwright driving Debian's chromium): an analyst goes from
the overview to a topic, a story and an article, sees a removed appeal marked in place and a
version's changed words; hostile scraped content runs nothing; the pages pass the
accessibility check of tests/support/accessibility.py.

The database is filled as a user fills it: a real crawl of the outlet world, then, through the
store stage, a corrected article (a version) and hostile articles.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, cast

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from mediamon.core.article import Article
from mediamon.core.config import load_config
from mediamon.core.context import Context
from mediamon.core.db import open_database
from mediamon.core.models import ArticleRow, StoryMember
from mediamon.store.saving import store_article
from mediamon.web.app import create_app
from tests.support import PROJECT_CONFIG, run_mediamon
from tests.support.accessibility import ACCESSIBILITY_CHECK, MIN_CONTRAST
from tests.support.articles import Pipelines
from tests.support.web_server import serving

CHROMIUM = "/usr/bin/chromium"
TOPIC = "belgorod-incursion"
# Every payload calls the listener the test exposes: a call is a payload that ran.
CALL = "window.mediamonPwned('{}')"
HOSTILE_TITLE = (
    f"Raid <script>{CALL.format('title script')}</script>"
    f'<img src=x onerror="{CALL.format("title onerror")}"> near \u202eexe.gnp\u202c Kozinka'
)
HOSTILE_TEXT = (
    f'</p><svg onload="{CALL.format("text svg")}"></svg>'
    f'<a href="javascript:{CALL.format("text link")}">read</a>'
    f'<img src=x onerror="{CALL.format("text onerror")}">\n'
    "Residents of the border village \u202eyrtnuoc\u202c were evacuated, officials said.\n"
    f"<script>{CALL.format('text script')}</script>"
)
HOSTILE_AUTHOR = f'\u202bIvan <img src=x onerror="{CALL.format("author")}">\u202c'
HOSTILE_URLS = (
    f"javascript:{CALL.format('url')}",
    "https://hostile.example/news/\u202egnp.exe",
)
ORIGINAL = (
    "The governor said the raid was repelled by border guards on Monday evening.\n"
    "Residents of three villages were taken to Belgorod."
)
CORRECTED = ORIGINAL.replace("repelled by border guards", "pushed back by the army")
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


@dataclass(frozen=True)
class Workspace:
    base: str
    engine: Engine
    appeal_story: int
    appeal_article: int
    versioned: int
    hostile: tuple[int, ...]


@pytest.fixture(scope="module")
def workspace(world: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    workdir: Path = tmp_path_factory.mktemp("web")
    config_dir = world.write_config(workdir / "config", PROJECT_CONFIG / "topics.yaml")
    url = f"sqlite:///{workdir}/web.sqlite"
    run_mediamon("crawl", "--config", str(config_dir), "--database-url", url)
    engine = open_database(url)
    newest = newest_published(engine)
    versioned = store_corrected_article(engine, newest)
    hostile = store_hostile(engine, newest)
    story, article = story_with_an_appeal(engine)
    app = create_app(Context(load_config(config_dir, url), engine))
    with serving(app) as base:
        yield Workspace(base, engine, story, article, versioned, hostile)
    engine.dispose()


def newest_published(engine: Engine) -> datetime:
    with Session(engine) as session:
        newest = session.scalar(select(func.max(ArticleRow.published_at)))
    assert newest is not None, "the crawl stored no dated article"
    return newest


def article(url: str, text: str, published: datetime, **fields: Any) -> Article:
    return Article(
        url=url,
        outlet_id=fields.pop("outlet_id", "wire"),
        html=f"<html><body><p>{text}</p></body></html>".encode(),
        encoding="utf-8",
        fetched_at=published + timedelta(minutes=5),
        text=text,
        published_at=published,
        language="en",
        canonical_url=url,
        topics=[TOPIC],
        **fields,
    )


def store_corrected_article(engine: Engine, when: datetime) -> int:
    """An article stored, then fetched again with a corrected text: two versions."""
    url = "https://wire.example/news/raid-repelled"
    stored = store_article(engine, article(url, ORIGINAL, when, title="Raid repelled"))
    assert stored is not None
    later = article(url, CORRECTED, when, title="Raid pushed back")
    later.fetched_at = when + timedelta(hours=3)
    assert store_article(engine, later) is None  # the same URL: a new version, not a new row
    return stored


def store_hostile(engine: Engine, when: datetime) -> tuple[int, ...]:
    """The hostile articles, through the store and stories pipelines: the second, the same text
    at another address, is a copy in the first one's story."""
    items = []
    for number, url in enumerate(HOSTILE_URLS):
        item = article(
            url,
            HOSTILE_TEXT,
            when - timedelta(minutes=number + 1),
            title=HOSTILE_TITLE,
            authors=[HOSTILE_AUTHOR],
            outlet_id=f"hostile-{number}",
        )
        item.html = f"<html><body><h1>{HOSTILE_TITLE}</h1>{HOSTILE_TEXT}</body></html>".encode()
        items.append(item)
    stored = tuple(item.id for item in Pipelines(engine).run_batch(items))
    assert all(isinstance(article_id, int) for article_id in stored)
    return cast(tuple[int, ...], stored)


def story_with_an_appeal(engine: Engine) -> tuple[int, int]:
    """The story with the most articles that holds an article whose appeal was removed."""
    with Session(engine) as session:
        members = session.execute(
            select(StoryMember.story_id, ArticleRow.id, ArticleRow.removed).join(
                ArticleRow, ArticleRow.id == StoryMember.article_id
            )
        ).all()
    sizes: dict[int, int] = {}
    for story_id, _, _ in members:
        sizes[story_id] = sizes.get(story_id, 0) + 1
    with_appeal = [(sizes[s], s, a) for s, a, removed in members if (removed or {}).get("appeal")]
    assert with_appeal, "the outlet world's crawl removed no appeal"
    _, story_id, article_id = max(with_appeal)
    return story_id, article_id


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing (apt-get install -y chromium)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


@dataclass
class Tab:
    page: Any
    calls: list[str]
    dialogs: list[str]


@pytest.fixture
def tab(browser: Any) -> Iterator[Tab]:
    """A fresh page with the listener every payload would call, and dialogs recorded."""
    yield from _opened_tab(browser)


@pytest.fixture
def tab_without_csp(browser: Any) -> Iterator[Tab]:
    """As ``tab``, with the app's Content-Security-Policy ignored: for the checks proving that a
    check can fail, which put markup into a page as an attacker could only without the policy
    (tests/e2e/test_web_csp.py proves the policy refuses it)."""
    yield from _opened_tab(browser, bypass_csp=True)


def _opened_tab(browser: Any, **options: Any) -> Iterator[Tab]:
    context = browser.new_context(**options)
    page = context.new_page()
    calls: list[str] = []
    dialogs: list[str] = []
    page.expose_function("mediamonPwned", lambda what: calls.append(str(what)))
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    yield Tab(page, calls, dialogs)
    context.close()


def story_of(engine: Engine, article_id: int) -> int:
    with Session(engine) as session:
        story_id = session.scalar(
            select(StoryMember.story_id).where(StoryMember.article_id == article_id)
        )
    assert story_id is not None, f"article {article_id} is in no story"
    return story_id


def stored_row(engine: Engine, article_id: int) -> ArticleRow:
    with Session(engine, expire_on_commit=False) as session:
        row = session.get(ArticleRow, article_id)
        assert row is not None
        return row


def test_from_the_overview_to_a_topic_a_story_and_an_article(
    workspace: Workspace, tab: Tab
) -> None:
    page = tab.page
    page.goto(workspace.base + "/")
    assert page.locator("h1").inner_text() == "Overview"
    page.locator(f"main a[href='/topics/{TOPIC}']").first.click()
    assert page.url.endswith(f"/topics/{TOPIC}")
    assert page.locator("h1").inner_text() == "Belgorod incursion (May 2023)"
    assert page.locator(".chart svg rect").count() > 0
    matrix_row = page.locator(
        "table.matrix tr", has=page.locator(f"a[href='/stories/{workspace.appeal_story}']")
    )
    assert matrix_row.locator("td.covered").count() >= 2  # several outlets covered it
    assert "first" in matrix_row.locator("td.covered").all_inner_texts()

    page.locator(f"ol.stories a[href='/stories/{workspace.appeal_story}']").click()
    assert page.url.endswith(f"/stories/{workspace.appeal_story}")
    assert page.locator(".headlines article").count() >= 2

    page.locator(f"ul.articles a[href='/articles/{workspace.appeal_article}']").click()
    assert page.url.endswith(f"/articles/{workspace.appeal_article}")
    row = stored_row(workspace.engine, workspace.appeal_article)
    marked = page.locator(".text p.removed[data-layer='appeal']")
    assert marked.count() == len(row.removed["appeal"])
    assert marked.first.is_visible()
    assert " ".join(row.removed["appeal"][0].split()) in marked.first.inner_text()
    assert "appeal detector" in marked.first.inner_text()
    kept = page.locator(".text p:not(.removed)").all_inner_texts()
    assert kept and not any(" ".join(p.split()) in kept for p in row.removed["appeal"])


def test_a_version_diff_shows_the_changed_words(workspace: Workspace, tab: Tab) -> None:
    tab.page.goto(f"{workspace.base}/articles/{workspace.versioned}")
    deleted = " ".join(tab.page.locator(".diff del").all_inner_texts())
    inserted = " ".join(tab.page.locator(".diff ins").all_inner_texts())
    assert "repelled" in deleted and "border guards" in deleted
    assert "pushed back" in inserted and "army" in inserted
    assert "governor" not in deleted + inserted  # unchanged words are not marked
    assert tab.page.locator(".diff-title del").inner_text().strip() == "repelled"
    assert tab.page.locator(".diff-title ins").inner_text().strip() == "pushed back"


UNSAFE_MARKUP = """
() => ({
  handlers: [...document.querySelectorAll('*')].flatMap(
    el => [...el.attributes].filter(a => a.name.startsWith('on'))
      .map(a => el.tagName + ' ' + a.name)),
  scripts: document.querySelectorAll('script, iframe, object, embed, svg[onload]').length,
  javascriptLinks: [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))
    .filter(href => !/^(https?:|\\/|#)/.test(href.trim())),
})
"""
VISIBLE_TEXT = """
() => {
  const main = document.querySelector('main').cloneNode(true);
  main.querySelectorAll('pre.source').forEach(pre => pre.remove());
  return main.textContent;
}
"""


@pytest.mark.parametrize(
    "path_of",
    [
        lambda w: "/",
        lambda w: f"/topics/{TOPIC}",
        lambda w: f"/articles/{w.hostile[0]}",
        lambda w: f"/articles/{w.hostile[1]}",
        lambda w: f"/stories/{story_of(w.engine, w.hostile[0])}",
    ],
    ids=["overview", "topic", "article-javascript-url", "article-rlo-url", "story"],
)
def test_hostile_content_runs_nothing(
    workspace: Workspace, tab: Tab, path_of: Callable[[Workspace], str]
) -> None:
    page = tab.page
    page.goto(workspace.base + path_of(workspace))
    if page.locator("details summary").count():
        page.locator("details summary").click()  # the raw HTML shown as source
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)
    shown = page.locator("main").inner_text()
    assert "Kozinka" in shown, "the hostile article is not on the page: nothing was tested"
    assert "<script>" in shown  # the payload is shown as text
    assert tab.calls == [] and tab.dialogs == []
    assert page.evaluate(UNSAFE_MARKUP) == {"handlers": [], "scripts": 0, "javascriptLinks": []}
    assert not any(control in page.evaluate(VISIBLE_TEXT) for control in BIDI)


def test_the_listener_would_have_heard_a_payload_that_ran(
    workspace: Workspace, tab_without_csp: Tab
) -> None:
    """The check above can fail: the same payload, put into a page as markup, calls it."""
    tab_without_csp.page.goto(workspace.base + "/")
    tab_without_csp.page.evaluate(
        "html => { document.body.insertAdjacentHTML('beforeend', html); }", HOSTILE_TITLE
    )
    tab_without_csp.page.wait_for_timeout(300)
    assert "title onerror" in tab_without_csp.calls


def test_the_raw_html_is_shown_as_escaped_source(workspace: Workspace, tab: Tab) -> None:
    tab.page.goto(f"{workspace.base}/articles/{workspace.hostile[0]}")
    tab.page.locator("details summary").click()
    source = tab.page.locator("pre.source").inner_text()
    assert "<script>" in source and "onerror=" in source
    assert "<U+202E>" in source  # the override written out, not reordering the source


@pytest.mark.parametrize(
    "path_of",
    [
        lambda w: "/",
        lambda w: f"/topics/{TOPIC}",
        lambda w: f"/stories/{w.appeal_story}",
        lambda w: f"/articles/{w.appeal_article}",
        lambda w: f"/articles/{w.versioned}",
        lambda w: "/stories/999999",
    ],
    ids=["overview", "topic", "story", "article-appeal", "article-versions", "not-found"],
)
def test_pages_pass_the_accessibility_check(
    workspace: Workspace, tab: Tab, path_of: Callable[[Workspace], str]
) -> None:
    tab.page.goto(workspace.base + path_of(workspace))
    assert tab.page.evaluate(ACCESSIBILITY_CHECK, MIN_CONTRAST) == []


def test_the_accessibility_check_finds_what_it_looks_for(
    workspace: Workspace, tab_without_csp: Tab
) -> None:
    """The check above can fail: a page given a second h1, a skipped level, an unlabelled
    field and pale text is reported on each."""
    tab_without_csp.page.goto(workspace.base + "/")
    tab_without_csp.page.evaluate(
        """() => document.querySelector('main').insertAdjacentHTML('beforeend',
          '<h1>Second</h1><h4>Skipped</h4><input name="q"><p class="pale">Pale words</p>')"""
    )
    tab_without_csp.page.add_style_tag(content=".pale { color: #bbbbbb; }")
    problems = "\n".join(tab_without_csp.page.evaluate(ACCESSIBILITY_CHECK, MIN_CONTRAST))
    assert "2 h1 elements" in problems
    assert "h4 after h1" in problems
    assert 'form control without a label: <input name="q">' in problems
    assert 'contrast 1.92:1 of "Pale words"' in problems
