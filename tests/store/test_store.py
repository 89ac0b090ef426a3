"""Storage: idempotent inserts, raw HTML kept, exact copies marked; on a real SQLite file."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from mediamon.core.article import Article
from mediamon.core.db import open_database
from mediamon.core.models import ArticleRow, ArticleTopic, decompress_html
from mediamon.store.addresses import stored_urls
from mediamon.store.dedup import content_hash
from mediamon.store.saving import save_articles, store_article
from mediamon.store.versions import article_texts, compare_versions

BODY = "Russian forces said they had repelled an incursion into the Belgorod region. " * 5


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = open_database(database_url)
    yield engine
    engine.dispose()


def article(url: str, text: str = BODY, **fields: object) -> Article:
    item = Article(
        url=url,
        outlet_id="tass",
        html="<html><body><p>Белгород</p></body></html>".encode(),
        encoding="utf-8",
        fetched_at=datetime(2023, 5, 23, 9, 0, tzinfo=UTC),
        title="Incursion repelled",
        text=text,
        topics=["belgorod-incursion"],
    )
    for name, value in fields.items():
        setattr(item, name, value)
    return item


def test_store_keeps_fields_raw_html_and_topics(engine: Engine) -> None:
    stored_id = store_article(
        engine, article("https://tass.com/a/1", canonical_url="https://tass.com/1")
    )
    assert stored_id is not None
    with Session(engine) as session:
        row = session.get(ArticleRow, stored_id)
        assert row is not None
        assert decompress_html(row.raw_html).decode() == "<html><body><p>Белгород</p></body></html>"
        assert row.fetched_at == datetime(2023, 5, 23, 9, 0, tzinfo=UTC)
        assert row.canonical_url == "https://tass.com/1"
        topics = session.scalars(select(ArticleTopic.topic_id)).all()
    assert topics == ["belgorod-incursion"]


def test_storing_the_same_article_twice_adds_nothing_but_its_latest_fetch_time(
    engine: Engine,
) -> None:
    first = store_article(engine, article("https://tass.com/a/1"))
    assert first is not None
    later = datetime(2023, 5, 24, 9, 0, tzinfo=UTC)
    assert store_article(engine, article("https://tass.com/a/1", fetched_at=later)) is None
    assert len(article_texts(engine, first)) == 1
    with Session(engine) as session:
        assert session.execute(select(ArticleRow.title, ArticleRow.fetched_at)).all() == [
            ("Incursion repelled", later)
        ]
        assert session.scalars(select(ArticleRow.first_seen_at)).all() == [
            datetime(2023, 5, 23, 9, 0, tzinfo=UTC)
        ]


def test_a_changed_title_alone_is_kept_as_a_new_version(engine: Engine) -> None:
    first = store_article(engine, article("https://tass.com/a/1"))
    assert first is not None
    later = article("https://tass.com/a/1", title="Incursion repelled near Kozinka")
    assert store_article(engine, later) is None
    texts = article_texts(engine, first)
    assert [t.title for t in texts] == ["Incursion repelled", "Incursion repelled near Kozinka"]
    assert [t.text for t in texts] == [BODY, BODY]
    diff = compare_versions(engine, first, 1, 2)
    assert "-Incursion repelled" in diff and "+Incursion repelled near Kozinka" in diff


def test_a_known_canonical_url_counts_as_stored(engine: Engine) -> None:
    store_article(
        engine, article("https://tass.com/a/1?utm=x", canonical_url="https://tass.com/a/1")
    )
    assert store_article(engine, article("https://tass.com/a/1")) is None
    assert stored_urls(engine, ["https://tass.com/a/1", "https://tass.com/a/2"], "tass") == {
        "https://tass.com/a/1"
    }


def test_stored_urls_handles_more_urls_than_one_query_takes(engine: Engine) -> None:
    store_article(engine, article("https://tass.com/a/777"))
    asked = [f"https://tass.com/a/{n}" for n in range(2000)]
    assert stored_urls(engine, asked, "tass") == {"https://tass.com/a/777"}


def test_content_hash_ignores_case_punctuation_and_spacing() -> None:
    assert content_hash(BODY) == content_hash("  " + BODY.upper().replace(".", " ;"))
    assert content_hash(BODY) != content_hash(BODY + " Extra sentence.")
    assert content_hash("Too short to be a meaningful copy.") is None


def test_naive_datetimes_are_refused(engine: Engine) -> None:
    with pytest.raises(Exception, match="naive datetime"):
        store_article(engine, article("https://tass.com/a/1", fetched_at=datetime(2023, 5, 23)))


def test_a_changed_text_at_a_stored_url_is_kept_as_a_new_version(engine: Engine) -> None:
    first = store_article(engine, article("https://tass.com/a/1"))
    assert first is not None
    corrected = BODY.replace("repelled", "pushed back")
    later = article("https://tass.com/a/1", corrected, fetched_at=datetime(2023, 5, 24, tzinfo=UTC))
    assert store_article(engine, later) is None
    texts = article_texts(engine, first)
    assert [t.text for t in texts] == [BODY, corrected]
    assert [t.number for t in texts] == [1, 2]
    diff = compare_versions(engine, first, 1, 2)
    assert any(line.startswith("-") and "repelled" in line for line in diff)
    assert any(line.startswith("+") and "pushed back" in line for line in diff)
    with Session(engine) as session:
        assert session.scalars(select(ArticleRow.text)).all() == [corrected]


def test_an_amp_or_tracking_variant_of_a_stored_url_is_the_same_article(engine: Engine) -> None:
    store_article(engine, article("https://tass.com/world/1?utm_source=rss"))
    assert store_article(engine, article("https://m.tass.com/world/1/amp/")) is None
    assert stored_urls(
        engine, ["https://tass.com/world/1/?fbclid=x", "https://tass.com/world/2"], "tass"
    ) == {"https://tass.com/world/1/?fbclid=x"}
    with Session(engine) as session:
        assert session.scalars(select(ArticleRow.canonical_url)).all() == [
            "https://tass.com/world/1"
        ]


EN, RU = "https://meduza.io/en/a/1", "https://meduza.io/ru/b/2"  # two outlets, one domain


def test_another_outlets_page_naming_a_stored_article_as_canonical_never_replaces_it(
    engine: Engine,
) -> None:
    original = store_article(engine, article(EN, outlet_id="meduza-en", canonical_url=EN))
    assert original is not None
    forged = BODY.replace("repelled", "welcomed")
    claim = article(RU, forged, outlet_id="meduza-ru", canonical_url=EN, title="Forged")
    (saved,) = save_articles(engine, [claim])
    assert saved.outcome == "new" and saved.id != original
    with Session(engine) as session:
        rows = {row.outlet_id: row for row in session.scalars(select(ArticleRow))}
    assert (rows["meduza-en"].title, rows["meduza-en"].text) == ("Incursion repelled", BODY)
    assert [t.number for t in article_texts(engine, original)] == [1]
    assert (rows["meduza-ru"].url, rows["meduza-ru"].canonical_url) == (RU, RU)


def test_a_copy_at_another_outlet_is_its_own_row_marked_as_the_copy(engine: Engine) -> None:
    original = store_article(engine, article(EN, outlet_id="meduza-en"))
    (saved,) = save_articles(engine, [article(RU, outlet_id="meduza-ru", canonical_url=EN)])
    assert saved.outcome == "new" and saved.copied == "exact"
    with Session(engine) as session:
        copy = session.get(ArticleRow, saved.id)
        assert copy is not None and copy.duplicate_of == original and copy.outlet_id == "meduza-ru"


def test_a_url_another_outlet_stored_is_left_to_that_outlet(engine: Engine) -> None:
    store_article(engine, article(EN, outlet_id="meduza-en"))
    (saved,) = save_articles(engine, [article(EN, "other text " * 40, outlet_id="meduza-ru")])
    assert (saved.id, saved.outcome) == (None, "elsewhere")
    with Session(engine) as session:
        assert session.scalars(select(ArticleRow.text)).all() == [BODY]
    assert stored_urls(engine, [EN], "meduza-ru") == {EN}  # not fetched again and again


def test_a_declared_canonical_never_makes_another_outlets_article_look_stored(
    engine: Engine,
) -> None:
    store_article(engine, article(RU, outlet_id="meduza-ru", canonical_url=EN, title="Forged"))
    assert stored_urls(engine, [EN, RU], "meduza-en") == {RU}  # RU: fetched by meduza-ru
    assert stored_urls(engine, [EN, RU], "meduza-ru") == {EN, RU}
    assert store_article(engine, article(EN, outlet_id="meduza-en")) is not None
    with Session(engine) as session:
        rows = {row.outlet_id: row for row in session.scalars(select(ArticleRow))}
    assert (rows["meduza-en"].title, rows["meduza-en"].canonical_url) == ("Incursion repelled", EN)
    assert rows["meduza-ru"].canonical_url == RU  # its own address, given back
