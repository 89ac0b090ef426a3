"""The Search page through the HTTP app: a facet narrows the result, the CSV export holds it,
a syntax error is shown at its position, and a hostile title is only text."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from html import unescape
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.support.articles import MAY_22, Pipelines, make_article
from tests.support.web_api import client, database_file, seed

HOSTILE = '=HYPERLINK("x")<script>window.pwned=1</script><img src=x onerror="pwned()">'


@pytest.fixture
def site(tmp_path: Path) -> Iterator[TestClient]:
    ctx = seed(database_file(tmp_path))
    Pipelines(ctx.engine).run(
        make_article(
            "https://www.bbc.com/news/1",
            "Shelling in Belgorod, the BBC reports.",
            title=HOSTILE,
            outlet_id="bbc",
            published=MAY_22,
        )
    )
    yield from client(ctx)


def facet_link(page: str, facet: str, value: str) -> str:
    links = re.findall(r'<a href="(/search\?[^"]+)"><bdi>([^<]+)</bdi></a>', page)
    return next(unescape(href) for href, text in links if text == value and f"{facet}=" in href)


def test_a_facet_narrows_the_result_and_the_csv_export_holds_it(site: TestClient) -> None:
    page = site.get("/search", params={"q": "shelling OR обстрел"})
    assert page.status_code == 200
    assert page.text.count('<li><a href="/articles/') == 7
    narrowed = site.get(facet_link(page.text, "language", "ru"))
    assert narrowed.text.count('<li><a href="/articles/') == 1
    assert "Обстрел Шебекино" in narrowed.text
    export = re.search(r'<a href="(/search\.csv\?[^"]+)">', narrowed.text)
    assert export is not None
    response = site.get(unescape(export.group(1)))
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [(row["outlet_id"], row["title"]) for row in rows] == [("tass-ru", "Обстрел Шебекино")]


def test_matching_words_are_marked(site: TestClient) -> None:
    page = site.get("/search", params={"q": "shelling", "outlet": "meduza-en"}).text
    assert page.count("<mark>shelling</mark>") == 5
    # the words around a mark keep the spaces between them
    assert len(re.findall(r"\w+ \w+ <mark>shelling</mark>", page)) == 5, page


def test_a_syntax_error_is_shown_at_its_position(site: TestClient) -> None:
    response = site.get("/search", params={"q": "belgorod AND (raid"})
    assert response.status_code == 422
    assert "at character 14" in response.text
    shown = re.search(r"<pre><bdi>(.*)</bdi>\n( *)\^</pre>", response.text)
    assert shown is not None and len(shown.group(2)) == 13


def test_a_hostile_title_is_escaped_and_exported_inert(site: TestClient) -> None:
    page = site.get("/search", params={"q": "belgorod", "outlet": "bbc"}).text
    assert "<script>window.pwned" not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in page
    exported = site.get("/search.csv", params={"q": "belgorod", "outlet": "bbc"}).text
    title = next(csv.DictReader(io.StringIO(exported)))["title"]
    assert title == "'" + HOSTILE  # a spreadsheet shows it as text, it runs no formula


def test_the_json_export_is_the_api_result(site: TestClient) -> None:
    result = site.get("/search.json", params={"q": "shelling", "language": "ru"}).json()
    assert result["items"] == []
    result = site.get("/search.json", params={"q": "обстрел"}).json()
    assert [hit["article"]["outlet_id"] for hit in result["items"]] == ["tass-ru"]


def test_a_day_facet_sets_the_date_range_and_keeps_the_other_filters(site: TestClient) -> None:
    page = site.get("/search", params={"q": "shelling OR обстрел", "outlet": "meduza-en"}).text
    link = re.search(r'<a href="(/search\?[^"]+)">2023-05-22</a>', page)
    assert link is not None
    narrowed = site.get(unescape(link.group(1))).text
    assert narrowed.count('<li><a href="/articles/') == 5
    assert 'name="since" type="date" value="2023-05-22"' in narrowed
    assert '<input type="hidden" name="outlet" value="meduza-en">' in narrowed
