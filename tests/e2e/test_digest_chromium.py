"""The HTML digest in a real browser: Debian's chromium, headless, with the network closed.

Hostile titles and bodies must not run script; the page must fit a phone and read well on a
desktop. Layout is measured by a wrapper page holding the digest in a same-origin srcdoc iframe
of the wanted width, so the digest itself is measured unmodified.
"""

from __future__ import annotations

import html
import json
import struct
import subprocess
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from mediamon.core.db import open_database
from tests.support.digest import DAY, add_article, add_many, at, run_digest_cli

CHROMIUM = Path("/usr/bin/chromium")
APT_HINT = "apt-get update && apt-get install -y chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]
PWN = "document.body.setAttribute('data-pwned','yes')"
HOSTILE_TITLE = f'Raid <script>{PWN}</script><img src=x onerror="{PWN}"> near Kozinka'
HOSTILE_TEXT = f'</p><svg onload="{PWN}"></svg><iframe src="javascript:{PWN}"></iframe> Body'
MEASURE = """
const frame = document.getElementById('digest');
const doc = frame.contentDocument;
const svg = doc.querySelector('svg');
document.body.setAttribute('data-report', JSON.stringify({
  innerWidth: frame.contentWindow.innerWidth,
  scrollWidth: doc.documentElement.scrollWidth,
  svgWidth: svg ? svg.getBoundingClientRect().width : null,
  columnWidth: doc.body.firstElementChild.getBoundingClientRect().width,
  bodyFontPx: parseFloat(frame.contentWindow.getComputedStyle(doc.body).fontSize),
  title: doc.title,
  pwned: doc.body.getAttribute('data-pwned'),
  scripts: doc.querySelectorAll('script, iframe, object, embed').length,
  handlers: [...doc.querySelectorAll('*')].filter(
    el => [...el.attributes].some(a => a.name.startsWith('on'))).length,
  javascriptLinks: [...doc.querySelectorAll('a')].filter(
    a => !/^https?:/.test(a.getAttribute('href'))).length,
}));
"""


def chromium(profile: Path, *args: str) -> str:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: the HTML digest check needs it ({APT_HINT})")
    command = [str(CHROMIUM), *FLAGS, f"--user-data-dir={profile}", *args]
    done = subprocess.run(command, capture_output=True, text=True, timeout=90, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    return open_database(f"sqlite:///{tmp_path}/browser.sqlite")


@pytest.fixture
def digest_html(engine: Engine, config_dir: Path, tmp_path: Path) -> str:
    first = add_article(engine, "tass", HOSTILE_TITLE, at(9), text=HOSTILE_TEXT)
    add_article(engine, "tass-ru", "Copy", at(9, 30), duplicate_of=first)
    add_article(engine, "moscowtimes", "Link test", at(10), url=f"javascript:{PWN}")
    long_title = "Pro-Ukrainian fighters " + "Верхнєкозинськийрайонсуперсловобезпробілів" * 3
    add_article(engine, "kyivindependent", long_title, at(11), text="x" * 500)
    add_many(engine, 150, ["guardian", "rferl", "meduza-en", "bbc"])
    result = run_digest_cli(
        config_dir, tmp_path / "browser.sqlite", "--date", DAY.isoformat(), "--format", "html"
    )
    assert result.exit_code == 0, result.output
    return result.stdout


def measure(digest: str, width: int, tmp_path: Path, keep_csp: bool = True) -> dict[str, Any]:
    if not keep_csp:  # so only escaping stands between hostile text and script execution
        digest = "\n".join(x for x in digest.splitlines() if "Content-Security-Policy" not in x)
    wrapper = tmp_path / f"measure-{width}.html"
    wrapper.write_text(
        f'<!doctype html><body style="margin:0"><iframe id="digest" style="border:0" '
        f'width="{width}" height="900" srcdoc="{html.escape(digest)}" '
        f'onload="{html.escape(MEASURE)}"></iframe></body>',
        encoding="utf-8",
    )
    dom = chromium(
        tmp_path / f"profile-m{width}", "--window-size=1400,1000", "--dump-dom", wrapper.as_uri()
    )
    marker = 'data-report="'
    assert marker in dom, "the measuring script did not run: " + dom[:500]
    report: dict[str, Any] = json.loads(html.unescape(dom.split(marker, 1)[1].split('"', 1)[0]))
    return report


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    width, height = struct.unpack(">II", header[16:24])
    return width, height


def test_hostile_titles_and_bodies_run_no_script(digest_html: str, tmp_path: Path) -> None:
    report = measure(digest_html, 1280, tmp_path, keep_csp=False)
    assert report["title"] == "mediamon digest: 2023-05-22"
    assert report["pwned"] is None
    assert (report["scripts"], report["handlers"], report["javascriptLinks"]) == (0, 0, 0)
    visible = chromium(
        tmp_path / "profile-dump", "--dump-dom", _saved(digest_html, tmp_path).as_uri()
    )
    assert "Raid &lt;script&gt;document.body.setAttribute" in visible
    assert "data-pwned" not in visible.split("<body", 1)[1].split(">", 1)[0]


@pytest.mark.parametrize("width", [390, 1280])
def test_layout_fits_phone_and_desktop_and_screenshots(
    digest_html: str, tmp_path: Path, width: int
) -> None:
    report = measure(digest_html, width, tmp_path)
    assert report["innerWidth"] == width
    assert report["scrollWidth"] <= width, "the digest scrolls sideways"
    assert report["svgWidth"] <= width
    assert report["bodyFontPx"] >= 15
    if width >= 1000:
        assert 600 <= report["columnWidth"] <= 800, "a readable column, not the whole screen"
    shot = tmp_path / f"digest-{width}.png"
    page = _saved(digest_html, tmp_path)
    chromium(
        tmp_path / f"profile-s{width}",
        f"--window-size={width},2200",
        f"--screenshot={shot}",
        page.as_uri(),
    )
    assert png_size(shot) == (width, 2200)


def _saved(digest: str, tmp_path: Path) -> Path:
    path = tmp_path / "digest.html"
    path.write_text(digest, encoding="utf-8")
    return path
