"""A scheduled job whose database cannot be reached says so in one line of the scheduler's log,
naming the URL without its password: no traceback, and the scheduler goes on."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from sqlalchemy import make_url

from mediamon.ops.jobs import crawl_job, digest_job
from tests.support import POSTGRES_SERVER
from tests.support.scheduler import fake_crawl_settings, fake_outlets, write_config

MISSING = "mediamon_no_such_database"


@pytest.mark.postgres
@pytest.mark.parametrize("job", ["crawl", "digest"])
def test_a_job_on_an_unreachable_database_logs_one_line_without_the_password(
    job: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    config = write_config(
        tmp_path / "config", fake_outlets({"ok": "* * * * *"}), fake_crawl_settings()
    )
    server = make_url(POSTGRES_SERVER).set(password="s3cret-pw", database=MISSING)
    url = server.render_as_string(hide_password=False)
    with caplog.at_level(logging.INFO, logger="mediamon"):
        if job == "crawl":
            outcome = crawl_job(["ok"], str(config), url)
        else:
            outcome = digest_job(str(config), url)
    assert outcome == "database-unavailable"
    [record] = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert record.exc_info is None and "\n" not in record.getMessage()
    assert ":***@" in record.getMessage() and "s3cret-pw" not in caplog.text
    assert f'database "{MISSING}" does not exist' in record.getMessage()
