"""The JSON API over a small collection: cursor pages, filters, search, errors as JSON."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.support.web_api import client, seed


@pytest.fixture
def api(database_url: str) -> Iterator[TestClient]:
    yield from client(seed(database_url))


def test_cursor_pages_walk_every_article_once(api: TestClient) -> None:
    seen: list[int] = []
    cursor = None
    while True:
        params = {"limit": 4, **({"cursor": cursor} if cursor else {})}
        page = api.get("/api/v1/articles", params=params).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 6
    assert seen == sorted(seen, reverse=True)


def test_filters_by_outlet_label_and_language(api: TestClient) -> None:
    ids = {i["outlet_id"] for i in api.get("/api/v1/articles?language=ru").json()["items"]}
    assert ids == {"tass-ru"}
    labelled = api.get("/api/v1/articles?label=state-owned").json()["items"]
    assert {i["outlet_id"] for i in labelled} == {"tass-ru"}
    assert len(api.get("/api/v1/articles?outlet=meduza-en").json()["items"]) == 5


def test_search_pages_facets_and_highlights(api: TestClient) -> None:
    first = api.get("/api/v1/search", params={"q": "shelling OR обстрел", "limit": 4}).json()
    assert first["facets"]["outlet"] == {"meduza-en": 5, "tass-ru": 1}
    assert first["facets"]["language"] == {"en": 5, "ru": 1}
    assert len(first["items"]) == 4 and first["next_cursor"]
    marked = [p["text"] for p in first["items"][0]["snippet"] if p["match"]]
    assert marked and all(word.lower() in {"shelling", "обстреле"} for word in marked)
    rest = api.get(
        "/api/v1/search", params={"q": "shelling OR обстрел", "cursor": first["next_cursor"]}
    ).json()
    assert len(rest["items"]) == 2 and rest["next_cursor"] is None
    narrowed = api.get("/api/v1/search", params={"q": "shelling OR обстрел", "language": "ru"})
    assert [i["article"]["outlet_id"] for i in narrowed.json()["items"]] == ["tass-ru"]


def test_a_query_syntax_error_gives_its_position(api: TestClient) -> None:
    response = api.get("/api/v1/search", params={"q": "belgorod AND (raid"})
    assert response.status_code == 422
    assert response.json()["position"] == 13
    assert "at character 14" in response.json()["error"]


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/v1/articles/999", 404),
        ("/api/v1/stories/999", 404),
        ("/api/v1/runs/999", 404),
        ("/api/v1/outlets/nobody", 404),
        ("/api/v1/elsewhere", 404),
        ("/api/v1/articles?limit=101", 422),
        ("/api/v1/articles?cursor=bm90LWEtY3Vyc29y", 422),
        ("/api/v1/articles/abc", 422),
    ],
)
def test_errors_are_json_with_a_message(api: TestClient, path: str, status: int) -> None:
    response = api.get(path)
    assert response.status_code == status
    assert set(response.json()) == {"error"} and response.json()["error"]


def test_a_failed_run_comes_with_its_errors(api: TestClient) -> None:
    runs = api.get("/api/v1/runs").json()["items"]
    assert runs[0]["outcome"] == "errors"
    detail = api.get(f"/api/v1/runs/{runs[0]['id']}").json()
    assert detail["errors"] == ["feed https://example.org/rss failed: timeout"]
    assert detail["log_missing"]


def test_outlets_show_counts_and_the_docs_page_lists_operations(api: TestClient) -> None:
    outlets = {o["id"]: o for o in api.get("/api/v1/outlets").json()["items"]}
    assert outlets["meduza-en"]["articles"] == 5 and outlets["bbc"]["articles"] == 0
    docs = api.get("/api/v1/docs").text
    assert "GET /api/v1/search" in docs and "<script" not in docs


def test_an_article_comes_with_its_dates_sources_and_paragraphs(api: TestClient) -> None:
    newest = api.get("/api/v1/articles?outlet=tass-ru").json()["items"][0]
    article = api.get(f"/api/v1/articles/{newest['id']}").json()
    assert article["title"] == "Обстрел Шебекино" and article["language"] == "ru"
    published = next(d for d in article["dates"] if d["what"] == "published")
    assert published["moment"].startswith("2023-05-22T16:00")
    assert [p["removed_by"] for p in article["paragraphs"]] == [None]
    assert article["versions"] == 1


def test_a_topic_gives_the_topic_pages_figures(api: TestClient) -> None:
    topic = api.get("/api/v1/topics/belgorod-incursion?until=2023-05-22&days=1").json()
    assert topic["start"].startswith("2023-05-22") and topic["end"].startswith("2023-05-23")
    outlets = {o for story in topic["stories"] for o in story["outlets"]}
    assert outlets <= {"meduza-en", "tass-ru"} and topic["stories"]
    assert sum(sum(day["by_label"].values()) for day in topic["chart"]) == sum(
        story["articles"] for story in topic["stories"]
    )
    assert api.get("/api/v1/topics/nothing").status_code == 404


def test_stories_filtered_by_topic(api: TestClient) -> None:
    tagged = api.get("/api/v1/stories?topic=belgorod-incursion").json()["items"]
    assert tagged and sum(story["article_count"] for story in tagged) == 6
    assert api.get("/api/v1/stories?topic=another-topic").json()["items"] == []
