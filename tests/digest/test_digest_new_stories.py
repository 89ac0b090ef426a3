""" "New since the previous digest": stories the digest of the previous period (of the same topic
selection and kind of period) did not show, whatever its format and whenever it was written."""

from __future__ import annotations

import json
import os
import re
import subprocess
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from mediamon.core.config import load_config
from mediamon.core.db import open_database
from mediamon.core.names import DATABASE_URL_ENV
from mediamon.ops.jobs import digest_commands
from tests.support.digest import DAY, TOPIC, add_article, at, run_digest_cli

BEFORE, AFTER = DAY - timedelta(days=1), DAY + timedelta(days=1)
NEW_MARK = {"md": "**NEW** ", "txt": "[NEW] ", "html": ">NEW</span>"}


@pytest.fixture
def engine(database_url: str) -> Engine:
    return open_database(database_url)


def digest(config_dir: Path, database: str, *args: str) -> str:
    result = run_digest_cli(config_dir, database, *args)
    assert result.exit_code == 0, result.output
    return result.stdout


def new_headlines(config_dir: Path, database: str, *args: str) -> dict[str, bool]:
    parsed: dict[str, Any] = json.loads(digest(config_dir, database, "--format", "json", *args))
    section = next(s for s in parsed["sections"] if s["topic_id"] == TOPIC)
    return {story["headline"]: story["is_new"] for story in section["full"]}


def a_continuing_and_a_new_story(engine: Engine) -> None:
    """On the day before: one story. On DAY: a copy of it (the same story) and a new one."""
    yesterday = add_article(engine, "tass", "Saboteurs repelled, ministry says", at(9, day=BEFORE))
    add_article(engine, "rferl", "Saboteurs repelled (wire)", at(8), duplicate_of=yesterday)
    add_article(engine, "bbc", "Kozinka shelled overnight", at(10))


def test_md_html_and_text_of_one_day_mark_the_same_stories_new(
    engine: Engine, config_dir: Path, database_url: str
) -> None:
    a_continuing_and_a_new_story(engine)
    digest(config_dir, database_url, "--date", BEFORE.isoformat(), "--format", "json")
    for output_format in ("md", "html", "txt", "md"):
        page = digest(
            config_dir, database_url, "--date", DAY.isoformat(), "--format", output_format
        )
        assert "1 new since the previous digest (2023-05-21)" in page, output_format
        marked = page.split(NEW_MARK[output_format])[1:]
        assert len(marked) == 1, output_format
        assert "Kozinka shelled overnight" in marked[0][:300], output_format
    marks = new_headlines(config_dir, database_url, "--date", DAY.isoformat())
    assert marks == {"Kozinka shelled overnight": True, "Saboteurs repelled (wire)": False}


def test_a_past_day_compares_with_the_day_before_it_not_with_the_last_digest_written(
    engine: Engine, config_dir: Path, database_url: str
) -> None:
    a_continuing_and_a_new_story(engine)
    add_article(engine, "meduza-en", "Graivoron evacuated", at(11, day=AFTER))
    digest(config_dir, database_url, "--date", AFTER.isoformat())  # written first, for a later day
    alone = digest(config_dir, database_url, "--date", DAY.isoformat(), "--format", "md")
    assert "new since the previous digest" not in alone  # no digest of an earlier day yet
    digest(config_dir, database_url, "--date", BEFORE.isoformat())
    digest(config_dir, database_url, "--date", AFTER.isoformat())  # written last, again
    marks = new_headlines(config_dir, database_url, "--date", DAY.isoformat())
    assert marks == {"Kozinka shelled overnight": True, "Saboteurs repelled (wire)": False}
    page = digest(config_dir, database_url, "--date", DAY.isoformat(), "--format", "md")
    assert "1 new since the previous digest (2023-05-21), marked **NEW**." in page
    parsed = json.loads(
        digest(config_dir, database_url, "--date", DAY.isoformat(), "--format", "json")
    )
    assert (parsed["previous_period"], parsed["new_count"]) == ("2023-05-21", 1)
    later = digest(config_dir, database_url, "--date", AFTER.isoformat(), "--format", "md")
    assert "1 new since the previous digest (2023-05-22), marked **NEW**." in later


def test_a_digest_of_one_topic_is_not_the_previous_digest_of_all_topics(
    engine: Engine, config_dir: Path, database_url: str
) -> None:
    a_continuing_and_a_new_story(engine)
    digest(config_dir, database_url, "--date", BEFORE.isoformat(), "--topic", TOPIC)
    everything = digest(config_dir, database_url, "--date", DAY.isoformat(), "--format", "md")
    assert "new since the previous digest" not in everything
    one_topic = digest(
        config_dir, database_url, "--date", DAY.isoformat(), "--topic", TOPIC, "--format", "md"
    )
    assert "1 new since the previous digest (2023-05-21)" in one_topic


@pytest.mark.parametrize("output_format", ["md", "html", "txt", "json", "atom"])
def test_the_same_digest_written_twice_is_byte_for_byte_the_same(
    config_dir: Path, tmp_path: Path, output_format: str
) -> None:
    database = f"sqlite:///{tmp_path}/digest.sqlite"
    a_continuing_and_a_new_story(open_database(database))
    digest(config_dir, database, "--date", BEFORE.isoformat())
    for args in (("--date", DAY.isoformat()), ("--since", BEFORE.isoformat())):
        outputs = []
        for attempt in ("first", "second"):
            out = tmp_path / f"{attempt}.{output_format}"
            digest(config_dir, database, *args, "--format", output_format, "--out", str(out))
            outputs.append(out.read_bytes())
        assert outputs[0] == outputs[1], args
        assert not re.search(rb"Generated by mediamon at", outputs[0])


def test_the_scheduler_files_of_one_day_mark_the_same_stories_new(
    config_dir: Path, tmp_path: Path
) -> None:
    """The digest job's commands, one process and one file per format, as the scheduler runs
    them: every file of the day compares with the day before."""
    database = f"sqlite:///{tmp_path}/digest.sqlite"
    a_continuing_and_a_new_story(open_database(database))
    settings = config_dir / "settings.yaml"
    output_dir = tmp_path / "digests"
    settings.write_text(
        settings.read_text(encoding="utf-8")
        .replace("formats: [md]", "formats: [md, html, txt]")
        .replace("output_dir: digests", f"output_dir: {output_dir}"),
        encoding="utf-8",
    )
    config = load_config(config_dir, database)
    environment = {**os.environ, DATABASE_URL_ENV: database}
    for day in (BEFORE, DAY):
        for command in digest_commands(config, day.isoformat()):
            subprocess.run(command, check=True, env=environment, capture_output=True)
    for output_format in ("md", "html", "txt"):
        page = (output_dir / f"digest-{DAY.isoformat()}.{output_format}").read_text()
        assert "1 new since the previous digest (2023-05-21)" in page, output_format
        (marked,) = page.split(NEW_MARK[output_format])[1:]
        assert "Kozinka shelled overnight" in marked[:300], output_format
