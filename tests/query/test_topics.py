"""Tagging articles with topics: languages, date windows, and the Scrapy item pipeline."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from mediamon.core.article import Article
from mediamon.core.config import load_config
from mediamon.core.config_models import TopicModel
from mediamon.core.names import CONFIG_SETTING, DATABASE_SETTING
from mediamon.query.topics import TopicTagger
from mediamon.world.stories import load_stories
from pipelines.topics import TopicsPipeline
from tests.support import PROJECT_CONFIG

INCURSION = TopicModel(
    id="belgorod-incursion",
    name="Belgorod incursion",
    query="(belgorod OR белгород* OR бєлгород*) AND (incursion OR raid OR вторжени* OR вторгнен*)",
    languages=["en", "ru", "uk"],
    since=date(2023, 5, 22),
    until=date(2023, 5, 31),
)
SHELLING = TopicModel(id="shelling", name="Shelling", query="shelling OR обстрел OR Beschuss")
TOPICS = [INCURSION, SHELLING]

MAY_23 = datetime(2023, 5, 23, 9, 0, tzinfo=UTC)


def test_tags_every_matching_topic_in_config_order() -> None:
    tagger = TopicTagger(TOPICS)
    tags = tagger.tag("Belgorod raid", "Shelling continued overnight.", "en", MAY_23)
    assert tags == ["belgorod-incursion", "shelling"]


def test_tags_inflected_russian_and_ukrainian_articles() -> None:
    tagger = TopicTagger(TOPICS)
    assert tagger.tag("Вторжение в Белгородскую область", "", "ru", MAY_23) == [
        "belgorod-incursion"
    ]
    assert tagger.tag("Вторгнення на Бєлгородщину", "", "uk", MAY_23) == ["belgorod-incursion"]
    assert tagger.tag("Обстрелы продолжаются", "", "ru", MAY_23) == ["shelling"]


def test_untagged_article_gets_no_topics() -> None:
    assert TopicTagger(TOPICS).tag("Weather", "Sunny.", "en", MAY_23) == []


def test_topic_languages_exclude_articles_known_to_be_in_other_languages() -> None:
    tagger = TopicTagger(TOPICS)
    assert tagger.tag("Belgorod raid", "", "de", MAY_23) == []
    assert tagger.tag("Belgorod raid", "", "en-GB", MAY_23) == ["belgorod-incursion"]
    assert tagger.tag("Belgorod raid", "", None, MAY_23) == ["belgorod-incursion"]


def test_topic_without_languages_applies_to_every_language() -> None:
    assert TopicTagger(TOPICS).tag("Beschuss von Belgorod", "", "de", MAY_23) == ["shelling"]


@pytest.mark.parametrize(
    ("published", "tagged"),
    [
        (datetime(2023, 5, 21, 23, 59, tzinfo=UTC), False),
        (datetime(2023, 5, 22, 0, 0, tzinfo=UTC), True),
        (datetime(2023, 5, 31, 23, 59, tzinfo=UTC), True),
        (datetime(2023, 6, 1, 0, 0, tzinfo=UTC), False),
        (datetime(2023, 5, 25, 12, 0), True),
        (None, True),
    ],
)
def test_date_window_includes_since_and_until_days(
    published: datetime | None, tagged: bool
) -> None:
    tags = TopicTagger([INCURSION]).tag("Belgorod raid", "", "en", published)
    assert tags == (["belgorod-incursion"] if tagged else [])


def test_date_window_days_are_in_the_configured_time_zone() -> None:
    late_on_may_31_utc = datetime(2023, 5, 31, 23, 30, tzinfo=UTC)
    in_berlin = TopicTagger([INCURSION], ZoneInfo("Europe/Berlin"))
    assert in_berlin.tag("Belgorod raid", "", "en", late_on_may_31_utc) == []


def article(**fields: Any) -> Article:
    defaults: dict[str, Any] = {
        "url": "https://example.org/a",
        "outlet_id": "example",
        "html": b"",
        "encoding": "utf-8",
        "fetched_at": MAY_23,
    }
    return Article(**{**defaults, **fields})


def test_pipeline_sets_topics_and_counts_them() -> None:
    crawler = get_crawler()
    assert crawler.stats is not None
    pipeline = TopicsPipeline(TOPICS, crawler.stats)
    tagged = pipeline.process_item(
        article(title="Belgorod raid", text="Shelling too", language="en", published_at=MAY_23)
    )
    untagged = pipeline.process_item(article(title="Weather", text="Sunny", language="en"))
    assert tagged.topics == ["belgorod-incursion", "shelling"]
    assert untagged.topics == []
    assert crawler.stats.get_value("mediamon/topics/tagged") == 1
    assert crawler.stats.get_value("mediamon/topics/belgorod-incursion") == 1
    assert crawler.stats.get_value("mediamon/topics/shelling") == 1


def test_pipeline_falls_back_to_the_feed_title_and_date() -> None:
    june_2 = datetime(2023, 6, 2, tzinfo=UTC)
    item = article(hint_title="Belgorod raid", hint_published=june_2, fetched_at=june_2)
    assert TopicsPipeline([INCURSION]).process_item(item).topics == []
    # a listing's date after the page was fetched (plus a day) is not believed: no date
    item = article(hint_title="Belgorod raid", hint_published=june_2)
    assert TopicsPipeline([INCURSION]).process_item(item).topics == ["belgorod-incursion"]
    item = article(hint_title="Belgorod raid", hint_published=MAY_23)
    assert TopicsPipeline([INCURSION]).process_item(item).topics == ["belgorod-incursion"]


def test_pipeline_passes_other_items_through() -> None:
    item = {"title": "Belgorod raid"}
    assert TopicsPipeline(TOPICS).process_item(item) is item


def test_from_crawler_reads_the_configured_topics(config_dir: Path, tmp_path: Path) -> None:
    settings = {CONFIG_SETTING: str(config_dir), DATABASE_SETTING: f"sqlite:///{tmp_path}/t.sqlite"}
    pipeline = TopicsPipeline.from_crawler(get_crawler(settings_dict=settings))
    item = article(title="Belgorod incursion by the Russian Volunteer Corps", language="en")
    assert "belgorod-incursion" in pipeline.process_item(item).topics


def test_from_crawler_without_topics_is_not_configured(config_dir: Path, tmp_path: Path) -> None:
    (config_dir / "topics.yaml").write_text("topics: []\n", encoding="utf-8")
    settings = {CONFIG_SETTING: str(config_dir), DATABASE_SETTING: f"sqlite:///{tmp_path}/t.sqlite"}
    with pytest.raises(NotConfigured):
        TopicsPipeline.from_crawler(get_crawler(settings_dict=settings))


def test_project_topics_tag_the_outlet_world_stories_as_labelled() -> None:
    tagger = TopicTagger(load_config(PROJECT_CONFIG).topics)
    stories = load_stories()
    assert stories
    for story in stories:
        tags = tagger.tag(story.title, "\n".join(story.paragraphs), None, story.published)
        assert set(tags) == story.topics, f"{story.outlet_id}/{story.slug}"
