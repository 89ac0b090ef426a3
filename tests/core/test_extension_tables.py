"""Every reader of the two extension tables agrees with them: the source kinds
(mediamon.core.sources) and the digest formats (mediamon.core.digest_formats, with their
renderers in mediamon.digest.formats)."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path
from types import SimpleNamespace

import click
import pytest
import yaml
from pydantic import ValidationError

from mediamon.core.config import load_config
from mediamon.core.config_models import OutletModel
from mediamon.core.digest_formats import DIGEST_FORMAT_NAMES, DIGEST_FORMATS, digest_format
from mediamon.core.names import CRAWL_SPIDERS as NAMED_SPIDERS
from mediamon.core.names import DATABASE_URL_ENV
from mediamon.core.settings_models import DigestSettings
from mediamon.core.sources import (
    CRAWL_SPIDERS,
    SOURCE_FIELDS,
    SOURCE_KINDS,
    WINDOW_SPIDERS,
    source_kind,
)

OUTLET = {"id": "x", "name": "X", "homepage": "https://x.example/"}


def choices(command: click.Command, option: str) -> tuple[str, ...]:
    (param,) = [p for p in command.params if p.name == option]
    assert isinstance(param.type, click.Choice)
    return tuple(param.type.choices)


def test_the_crawl_runs_each_spider_of_the_table_in_its_order() -> None:
    from mediamon.cli.crawl_cmd import crawl
    from mediamon.crawl.run import SPIDERS

    assert CRAWL_SPIDERS == ("feeds", "sitemaps", "sections")
    assert choices(crawl, "spiders") == SPIDERS == NAMED_SPIDERS == CRAWL_SPIDERS


def test_a_backfill_runs_the_spiders_that_take_a_window(
    config_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from mediamon.cli.backfill_cmd import backfill

    asked: list[tuple[str, ...]] = []
    monkeypatch.setattr(
        "mediamon.crawl.run.run_crawl", lambda ctx, spiders, *rest: asked.append(spiders) or {}
    )
    monkeypatch.setenv(DATABASE_URL_ENV, f"sqlite:///{tmp_path / 'db.sqlite'}")
    arguments = ["--config", str(config_dir), "--since", "2026-05-01", "--until", "2026-05-02"]
    result = CliRunner().invoke(backfill, arguments)
    assert result.exit_code == 0, result.output
    assert asked == [WINDOW_SPIDERS] == [("sitemaps", "sections")]


def test_every_spider_of_the_table_is_a_scrapy_spider() -> None:
    from scrapy.spiderloader import SpiderLoader

    from mediamon.crawl.plan import scrapy_settings

    loader = SpiderLoader.from_settings(scrapy_settings("config", "sqlite://", "WARNING"))
    assert CRAWL_SPIDERS and set(CRAWL_SPIDERS) <= set(loader.list())
    for spider in CRAWL_SPIDERS:
        assert loader.load(spider).name == spider


def test_every_source_field_is_an_outlet_field_and_one_is_required() -> None:
    assert SOURCE_FIELDS == ("feeds", "sitemaps", "sections", "archives")
    assert set(SOURCE_FIELDS) <= set(OutletModel.model_fields)
    with pytest.raises(ValidationError) as caught:
        OutletModel.model_validate(OUTLET)
    assert "at least one of 'feeds', 'sitemaps', 'sections' or 'archives'" in str(caught.value)


@pytest.mark.parametrize("field", ["feeds", "sitemaps", "sections"])
def test_one_field_of_a_kind_is_enough(field: str) -> None:
    OutletModel.model_validate({**OUTLET, field: ["https://x.example/list"]})


def outlet(**fields: list[str]) -> SimpleNamespace:
    return SimpleNamespace(**{name: fields.get(name, []) for name in SOURCE_FIELDS})


# (spider, the outlet's sources, windowed) -> whether the spider has sources (as before the table)
PLANS = [
    ("feeds", {"feeds": ["f"]}, False, True),
    ("feeds", {"feeds": ["f"]}, True, False),
    ("feeds", {"sitemaps": ["s"]}, False, False),
    ("sitemaps", {"sitemaps": ["s"]}, False, True),
    ("sitemaps", {"feeds": ["f"]}, False, False),
    ("sitemaps", {"feeds": ["f"]}, True, True),  # robots.txt's sitemaps
    ("sections", {"sections": ["p"]}, False, True),
    ("sections", {"sections": ["p"]}, True, False),
    ("sections", {"archives": ["a"]}, True, True),
    ("sections", {"archives": ["a"]}, False, False),
]


@pytest.mark.parametrize(("spider", "sources", "windowed", "expected"), PLANS)
def test_the_planner_and_the_shards_read_the_table(
    spider: str, sources: dict[str, list[str]], windowed: bool, expected: bool
) -> None:
    from mediamon.crawl.plan import has_sources
    from mediamon.crawl.shards import _sources

    subject = outlet(**sources)
    assert has_sources(spider, subject, windowed) is expected  # type: ignore[arg-type]
    field = source_kind(spider).window_field if windowed else source_kind(spider).field
    configured = getattr(subject, field) if field else []
    assert list(_sources(spider, subject, windowed)) == configured  # type: ignore[arg-type]


def test_the_crawl_summary_shows_each_figure_of_the_table() -> None:
    from mediamon.cli.crawl_cmd import summarise

    checked = 0
    for kind in SOURCE_KINDS:
        stats = {key: 1 for figure in kind.figures for key in figure.keys}
        line = summarise(kind.spider, stats)
        for figure in kind.figures:
            assert f"{len(figure.keys)} {figure.label}" in line
            checked += 1
    assert checked


def test_a_scheduled_crawl_settles_a_run_of_every_spider() -> None:
    from mediamon.ops.jobs import crawl_run_names

    assert crawl_run_names(["a", "b"]) == [f"crawl:{spider}:a,b" for spider in CRAWL_SPIDERS]


def test_the_digest_command_offers_every_format_of_the_table() -> None:
    from mediamon.cli.digest_cmd import digest

    assert choices(digest, "output_format") == DIGEST_FORMAT_NAMES
    (param,) = [p for p in digest.params if p.name == "output_format"]
    assert isinstance(param, click.Option) and param.help
    assert DIGEST_FORMAT_NAMES and all(name in param.help for name in DIGEST_FORMAT_NAMES)


def test_every_format_has_one_renderer_and_the_mail_parts_are_text() -> None:
    from mediamon.digest.formats import MAIL_PARTS, RENDERERS

    assert list(RENDERERS) == list(DIGEST_FORMAT_NAMES)
    assert [digest_format(name).media_type for name in MAIL_PARTS] == ["text/plain", "text/html"]


def test_settings_reject_an_unknown_format_naming_the_known_ones() -> None:
    assert DigestSettings.model_validate({"formats": list(DIGEST_FORMAT_NAMES)})
    with pytest.raises(ValidationError) as caught:
        DigestSettings.model_validate({"formats": ["md", "pdf"]})
    message = str(caught.value)
    assert "unknown format(s) ['pdf']" in message
    assert str(sorted(DIGEST_FORMAT_NAMES)) in message


def test_the_scheduler_writes_each_format_to_a_file_of_its_extension(config_dir: Path) -> None:
    from mediamon.ops.jobs import digest_commands

    path = config_dir / "settings.yaml"
    settings = yaml.safe_load(path.read_text())
    settings["digest"]["formats"] = list(DIGEST_FORMAT_NAMES)
    path.write_text(yaml.safe_dump(settings))
    commands = digest_commands(load_config(config_dir), "2026-05-23")
    outs = [Path(command[command.index("--out") + 1]).name for command in commands]
    assert outs == [f"digest-2026-05-23.{row.extension}" for row in DIGEST_FORMATS]
    assert [command[command.index("--format") + 1] for command in commands] == list(
        DIGEST_FORMAT_NAMES
    )


def test_the_mail_carries_a_part_of_each_mail_format() -> None:
    from mediamon.core.settings_models import EmailSettings
    from mediamon.digest.mailer import Mail, MailPart, build_message

    mail = Mail("s", (MailPart("text/plain", "plain"), MailPart("text/html", "<p>html</p>")))
    message = build_message(EmailSettings(recipients=["a@example.org"]), mail)
    parsed = email.message_from_bytes(message.as_bytes(), policy=email.policy.default)
    assert [part.get_content_type() for part in parsed.iter_parts()] == ["text/plain", "text/html"]
