"""Scraped titles, text and URLs are hostile: no digest format lets them become markup, script
or a javascript: link, and the HTML digest loads nothing from outside itself."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import pytest

from mediamon.core.db import open_database
from tests.support.digest import DAY, add_article, at, run_digest_cli

TITLE = 'Raid <script>alert("t")</script> & <img src=x onerror=alert(1)> [x](javascript:alert(2))'
TEXT = "</p><script>alert('body')</script><a href=\"javascript:alert(3)\">click</a> Lead"
EVIL_URL = "javascript:alert(document.cookie)"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "hostile.sqlite"
    engine = open_database(f"sqlite:///{path}")
    add_article(engine, "tass", TITLE, at(9), text=TEXT, url=EVIL_URL)
    add_article(engine, "bbc", "Ordinary story", at(10), url="https://www.bbc.com/news/1")
    engine.dispose()
    return path


def render(config_dir: Path, database: Path, fmt: str) -> str:
    result = run_digest_cli(config_dir, database, "--date", DAY.isoformat(), "--format", fmt)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_html_escapes_hostile_text_and_links_only_web_urls(
    config_dir: Path, database: Path
) -> None:
    page = render(config_dir, database, "html")
    assert "<script" not in page and "<img" not in page and '<a href="javascript' not in page
    assert "Raid &lt;script&gt;alert(&#34;t&#34;)&lt;/script&gt; &amp; &lt;img" in page
    assert "&lt;/p&gt;&lt;script&gt;alert(&#39;body&#39;)&lt;/script&gt;" in page
    hrefs = re.findall(r'href="([^"]*)"', page)
    assert "https://www.bbc.com/news/1" in hrefs
    assert all(href.startswith(("http://", "https://")) for href in hrefs)


def test_html_loads_nothing_from_outside_and_styles_inline(
    config_dir: Path, database: Path
) -> None:
    page = render(config_dir, database, "html")
    assert re.search(r"<[^>]*\ssrc=", page) is None
    assert "<link" not in page and "@import" not in page and "url(" not in page
    assert "<style" not in page  # inline style attributes, as mail clients keep them
    assert "<svg" in page and 'style="' in page


def test_markdown_and_text_cannot_smuggle_markup_or_links(config_dir: Path, database: Path) -> None:
    markdown = render(config_dir, database, "md")
    assert re.search(r"(?<!\\)<(script|img)", markdown) is None
    assert "\\<script\\>" in markdown
    assert re.search(r"(?<!\\)\]\(<?javascript:", markdown) is None
    assert "\\[x\\](javascript:alert(2))" in markdown  # shown as text, not a link
    text = render(config_dir, database, "txt")
    assert TITLE in text  # plain text shows the title exactly as published


def test_json_keeps_hostile_values_as_data(config_dir: Path, database: Path) -> None:
    digest = json.loads(render(config_dir, database, "json"))
    stories = digest["sections"][0]["full"]
    story = next(s for s in stories if s["coverage"][0]["outlet"]["id"] == "tass")
    assert story["headline"] == " ".join(TITLE.split())
    assert story["coverage"][0]["url"] == EVIL_URL


def test_atom_feed_is_well_formed_with_escaped_html_content(
    config_dir: Path, database: Path
) -> None:
    feed_xml = render(config_dir, database, "atom")
    root = ET.fromstring(feed_xml)
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 7  # the digest day and the six before it, newest first
    ids = [entry.findtext(f"{ATOM}id") for entry in entries]
    assert ids[0] == "urn:mediamon:digest:all:2023-05-22"
    assert ids[-1] == "urn:mediamon:digest:all:2023-05-16"
    content = entries[0].find(f"{ATOM}content")
    assert content is not None and content.get("type") == "html"
    assert "Raid &lt;script&gt;" in (content.text or "")  # the HTML itself escapes the title
    assert "<script" not in (content.text or "")
    parsed = feedparser.parse(feed_xml)
    assert not parsed.bozo
    assert parsed.entries[0].title == "mediamon digest: 2023-05-22 · 2 stories, 0 new"
