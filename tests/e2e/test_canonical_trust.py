"""Canonical trust, end to end: a page naming another outlet's article, or any address off its
outlet's domains, as its canonical URL replaces nothing, hides nothing and links nowhere else."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mediamon.core.db import open_database
from mediamon.core.models import ArticleRow, ArticleVersion, Run
from mediamon.extract.canonical import canonicalize
from mediamon.world.attacks import CLAIM_PARAGRAPHS, CLAIM_TITLE, claim_canonical
from tests.support import run_mediamon

A, B = "moscowmonitor", "northernbroadcasting"
FRESH = (
    "A second group of saboteurs crossed into the Belgorod region overnight, the governor said.",
    "Shelling was reported near Graivoron, and residents of two villages were evacuated again.",
    "The Freedom of Russia Legion said on Telegram that its fighters had reached a checkpoint.",
    "Russia's defence ministry said the incursion had been repelled with artillery and aircraft.",
)


def crawl(config: Path, database: Path, *args: str) -> str:
    url = f"sqlite:///{database}"
    return run_mediamon("crawl", "--config", str(config), "--database-url", url, *args).stdout


def rows(database: Path) -> dict[str, ArticleRow]:
    with Session(open_database(f"sqlite:///{database}")) as session:
        return {row.url: row for row in session.scalars(select(ArticleRow))}


def versions_of(database: Path, article_id: int) -> int:
    with Session(open_database(f"sqlite:///{database}")) as session:
        query = select(func.count()).where(ArticleVersion.article_id == article_id)
        return session.scalar(query) or 0


def refused_canonicals(database: Path) -> int:
    with Session(open_database(f"sqlite:///{database}")) as session:
        runs = session.scalars(select(Run).where(Run.job.like("crawl:feeds:%")))
        return sum(int(run.counts.get("mediamon/refused/canonical", 0)) for run in runs)


def test_a_page_claiming_another_outlets_stored_article_changes_nothing_of_it(
    world: Any, world_config: Path, tmp_path: Path
) -> None:
    database = tmp_path / "m.sqlite"
    crawl(world_config, database)
    target = world.outlet(A).latest(1)[0]
    before = rows(database)[target.url]
    claim = claim_canonical(world, B, target.url)
    crawl(world_config, database)
    after = rows(database)
    assert (after[target.url].title, after[target.url].text) == (before.title, before.text)
    assert after[target.url].outlet_id == A
    assert versions_of(database, before.id) == 0
    assert after[claim.url].outlet_id == B and after[claim.url].title == CLAIM_TITLE
    assert after[claim.url].canonical_url == canonicalize(claim.url)
    assert refused_canonicals(database) == 1


def test_a_page_claiming_an_article_not_yet_fetched_does_not_hide_it(
    world: Any, world_config: Path, tmp_path: Path
) -> None:
    database = tmp_path / "m.sqlite"
    fresh = world.add_article(A, title="Saboteurs cross into Belgorod again", paragraphs=FRESH)
    claim = claim_canonical(world, B, fresh.url)
    crawl(world_config, database, "--outlet", B)
    assert fresh.url not in rows(database) and claim.url in rows(database)
    world.clear_requests()
    crawl(world_config, database)
    assert fresh.url in {request.url for request in world.requests}
    stored = rows(database)[fresh.url]
    assert stored.outlet_id == A and stored.title == "Saboteurs cross into Belgorod again"
    assert FRESH[0] in stored.text and CLAIM_PARAGRAPHS[0] not in stored.text
    assert stored.canonical_url == canonicalize(fresh.url)


def test_an_off_domain_canonical_is_ignored_and_never_linked_from_the_digest(
    world: Any, world_config: Path, tmp_path: Path
) -> None:
    database = tmp_path / "m.sqlite"
    day = datetime(2023, 5, 30, 9, 0, tzinfo=UTC)
    phishing = "https://login.phish.example/belgorod?session=1"
    claim = claim_canonical(world, B, phishing, published=day, slug="staged")
    crawl(world_config, database, "--outlet", B)
    stored = rows(database)[claim.url]
    assert stored.canonical_url == canonicalize(claim.url)
    assert refused_canonicals(database) >= 1  # the module's earlier claims are on B's feed too
    digest = run_mediamon(
        "digest",
        "--config",
        str(world_config),
        "--database-url",
        f"sqlite:///{database}",
        "--date",
        "2023-05-30",
        "--format",
        "json",
    ).stdout
    assert claim.url in digest or canonicalize(claim.url) in digest
    assert "phish.example" not in digest
    json.loads(digest)
