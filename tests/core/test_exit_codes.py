"""The exit-code table: what a set of run outcomes exits with, and that the README and --help
show the table itself."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from mediamon.cli import main
from mediamon.core.exit_codes import (
    ExitCode,
    exit_code_of_outcomes,
    exit_codes_help,
    exit_codes_markdown,
)
from tests.support import REPO


@pytest.mark.parametrize(
    ("outcomes", "code"),
    [
        ([], ExitCode.OK),
        (["ok", "ok"], ExitCode.OK),
        (["ok", "sources_failed"], ExitCode.SOURCES_FAILED),
        (["nothing_collected", "nothing_collected"], ExitCode.NOTHING_COLLECTED),
        # feeds collected nothing, sitemaps did: some of the crawl's sources failed
        (["nothing_collected", "ok"], ExitCode.SOURCES_FAILED),
        (["sources_failed", "closespider_timeout"], ExitCode.FAILED),
        (["ok", "not_stored"], ExitCode.FAILED),
        (["errors"], ExitCode.FAILED),
        (["shutdown", "crashed"], ExitCode.CRASHED),
    ],
)
def test_the_exit_code_of_a_crawls_run_outcomes(outcomes: list[str], code: ExitCode) -> None:
    assert exit_code_of_outcomes(outcomes) is code


def test_the_codes_are_distinct_and_keep_click_s_usage_code() -> None:
    assert len({int(code) for code in ExitCode}) == len(ExitCode)
    assert (ExitCode.OK, ExitCode.FAILED, ExitCode.USAGE) == (0, 1, 2)
    assert all(code.meaning for code in ExitCode)


def test_the_readme_shows_the_table() -> None:
    assert exit_codes_markdown() in (REPO / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("command", [[], ["crawl"], ["backfill"], ["worker"], ["run"]])
def test_help_lists_every_exit_code(command: list[str]) -> None:
    result = CliRunner().invoke(main, [*command, "--help"], prog_name="mediamon")
    assert result.exit_code == 0
    assert "Exit codes:" in result.output
    for line in exit_codes_help().splitlines()[2:]:
        assert line in result.output
