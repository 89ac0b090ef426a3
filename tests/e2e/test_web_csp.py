"""The workspace's Content-Security-Policy in a real browser: markup that slipped into a page
(an inline event handler, an inline script, an inline style) is refused by Chromium, while the
same markup on a page without the policy runs and calls the listener."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mediamon.web.app import create_app
from tests.support.web_api import database_file, seed
from tests.support.web_server import serving

CHROMIUM = "/usr/bin/chromium"
INJECT = """() => {
  window.violations = [];
  document.addEventListener('securitypolicyviolation',
    event => window.violations.push(event.violatedDirective));
  document.body.insertAdjacentHTML('beforeend',
    '<img src="data:," onerror="mediamonPwned(\\'handler\\')">');
  const script = document.createElement('script');
  script.textContent = "mediamonPwned('script')";
  document.body.appendChild(script);
  const style = document.createElement('style');
  style.textContent = 'body { background: rgb(1, 2, 3) }';
  document.head.appendChild(style);
}"""
BACKGROUND = "() => getComputedStyle(document.body).backgroundColor"


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    ctx = seed(database_file(tmp_path_factory.mktemp("csp")))
    with serving(create_app(ctx)) as url:
        yield url


@pytest.fixture
def page(tmp_path: Path) -> Iterator[tuple[Any, list[str]]]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing (apt-get install -y chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        tab = browser.new_page()
        calls: list[str] = []
        tab.expose_function("mediamonPwned", lambda what: calls.append(str(what)))
        yield tab, calls
        browser.close()


@pytest.mark.parametrize("path", ["/", "/search?q=belgorod", "/outlets", "/api/v1/docs"])
def test_injected_markup_runs_nothing_under_the_policy(
    base_url: str, page: tuple[Any, list[str]], path: str
) -> None:
    tab, calls = page
    tab.goto(base_url + path)
    tab.evaluate(INJECT)
    tab.wait_for_timeout(300)
    assert calls == []
    assert tab.evaluate(BACKGROUND) != "rgb(1, 2, 3)"
    violated = set(tab.evaluate("() => window.violations"))
    assert {"script-src-attr", "script-src-elem", "style-src-elem"} <= violated


def test_without_the_policy_the_same_markup_calls_the_listener(
    page: tuple[Any, list[str]],
) -> None:
    """The check above can fail: on a page without the policy the payload runs."""
    tab, calls = page
    tab.set_content("<!DOCTYPE html><html><head></head><body><p>no policy</p></body></html>")
    tab.evaluate(INJECT)
    tab.wait_for_timeout(300)
    assert sorted(calls) == ["handler", "script"]
    assert tab.evaluate(BACKGROUND) == "rgb(1, 2, 3)"
