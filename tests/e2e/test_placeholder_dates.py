"""A page whose structured data says it was published in year 1 (as one large newspaper group's
sites do) is stored with its feed's date, grouped into a story, and the crawl says so in one
WARNING line: no ERROR, no traceback."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mediamon.core.db import open_database
from mediamon.core.models import ArticleRow, StoryMember
from mediamon.world.render import render_article
from mediamon.world.server import Resource
from tests.support import run_mediamon

OUTLET = "moscowmonitor"
YEAR_ONE = "0001-01-01T00:00:00Z"
PARAGRAPHS = (
    "A second group of saboteurs crossed into the Belgorod region overnight, the governor said.",
    "Shelling was reported near Graivoron, and residents of two villages were evacuated again.",
    "The Freedom of Russia Legion said on Telegram that its fighters had reached a checkpoint.",
    "Russia's defence ministry said the incursion had been repelled with artillery and aircraft.",
)


def publish_with_year_one(world: Any, published: datetime) -> str:
    """An article whose feed entry has ``published`` while every date on its page says year 1."""
    article = world.add_article(
        OUTLET,
        title="Saboteurs cross into Belgorod again",
        paragraphs=PARAGRAPHS,
        published=published,
    )
    outlet = world.outlet(OUTLET)
    page = render_article(outlet, article).decode(outlet.encoding)
    page = page.replace(published.isoformat(), YEAR_ONE)
    linked = (
        '<script type="application/ld+json">{"@type": "NewsArticle", '
        f'"headline": "Saboteurs cross into Belgorod again", "datePublished": "{YEAR_ONE}"}}'
        "</script>"
    )
    page = page.replace("</head>", linked + "</head>", 1)
    resource = Resource(page.encode(outlet.encoding), f"text/html; charset={outlet.encoding}")
    world.site(OUTLET).update_routes({article.path: resource})
    return str(article.url)


def test_a_year_one_page_date_is_stored_as_the_feeds_and_grouped_without_errors(
    world: Any, world_config: Path, tmp_path: Path
) -> None:
    published = datetime.now(UTC).replace(microsecond=0)
    url = publish_with_year_one(world, published)
    database = f"sqlite:///{tmp_path / 'm.sqlite'}"
    result = run_mediamon("crawl", "--config", str(world_config), "--database-url", database)
    with Session(open_database(database)) as session:
        row = session.scalars(select(ArticleRow).where(ArticleRow.url == url)).one()
        story = session.scalar(select(StoryMember.story_id).where(StoryMember.article_id == row.id))
    assert row.published_at == published
    assert row.published_source == "feed"
    assert row.rejected_dates and all(YEAR_ONE in note for note in row.rejected_dates)
    assert story is not None
    assert "ERROR" not in result.stderr and "Traceback" not in result.stderr
    warnings = [line for line in result.stderr.splitlines() if YEAR_ONE in line]
    assert len(warnings) == 1
    assert "WARNING" in warnings[0] and OUTLET in warnings[0] and url in warnings[0]
