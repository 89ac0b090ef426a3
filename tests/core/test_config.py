"""Config validation: every problem reported at once, each saying where and what would be right."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from mediamon.core.config import ConfigError, load_config
from tests.support import PROJECT_CONFIG, run_mediamon


def edit_outlets(config_dir: Path, change: object) -> None:
    path = config_dir / "outlets.yaml"
    data = yaml.safe_load(path.read_text())
    change(data)  # type: ignore[operator]
    path.write_text(yaml.safe_dump(data, allow_unicode=True))


def problems_of(config_dir: Path) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_config(config_dir)
    return [str(problem) for problem in caught.value.problems]


def test_shipped_config_is_valid_and_covers_the_belgorod_incursion() -> None:
    config = load_config(PROJECT_CONFIG)
    assert len(config.outlets) >= 8
    assert {"moscowtimes", "meduza-en", "meduza-ru", "kyivindependent", "tass", "bbc"} <= {
        o.id for o in config.outlets
    }
    topic = config.topic("belgorod-incursion")
    assert set(topic.languages) >= {"en", "ru", "uk"}


def test_defaults_are_inherited_and_domains_derived() -> None:
    config = load_config(PROJECT_CONFIG)
    tass = config.outlet("tass")
    assert tass.schedule == "*/30 * * * *"
    assert tass.download_delay == 2.0
    assert tass.owns("https://tass.com/politics/1622137")
    assert not tass.owns("https://evil.example/tass.com")
    assert config.outlet("bbc").owns("https://www.bbc.co.uk/news/world-europe-65665465")


def test_missing_field_names_file_entry_and_field(config_dir: Path) -> None:
    edit_outlets(config_dir, lambda d: d["outlets"][4].pop("homepage"))
    [problem] = problems_of(config_dir)
    assert (
        "outlets.yaml: outlets[4] (id 'tass'): field 'homepage': required field is missing"
        in problem
    )


def test_unknown_key_is_an_error(config_dir: Path) -> None:
    edit_outlets(config_dir, lambda d: d["outlets"][0].update(feedz=["https://x.example/rss"]))
    [problem] = problems_of(config_dir)
    assert "outlets[0] (id 'moscowtimes'): field 'feedz': unknown key" in problem


def test_bad_url_says_what_would_be_right(config_dir: Path) -> None:
    edit_outlets(config_dir, lambda d: d["outlets"][1]["feeds"].__setitem__(0, "meduza.io/rss"))
    [problem] = problems_of(config_dir)
    assert "outlets[1] (id 'meduza-en'): field 'feeds[0]'" in problem
    assert "'meduza.io/rss' is not an http(s) URL; expected e.g. https://" in problem


def test_duplicate_outlet_id(config_dir: Path) -> None:
    edit_outlets(config_dir, lambda d: d["outlets"][2].update(id="moscowtimes"))
    [problem] = problems_of(config_dir)
    assert (
        "outlets[2]: field 'id': duplicate id 'moscowtimes', already used by outlets[0]" in problem
    )


def test_every_problem_in_every_file_is_listed_at_once(config_dir: Path) -> None:
    edit_outlets(config_dir, lambda d: d["outlets"][0].update(schedule="every hour", colour="red"))
    (config_dir / "settings.yaml").write_text("timezone: Mars/Olympus\n")
    (config_dir / "topics.yaml").write_text("topics:\n  - id: t\n    name: T\n    query: '(a OR'\n")
    problems = problems_of(config_dir)
    assert len(problems) == 4, problems
    joined = "\n".join(problems)
    assert "'every hour' is not a cron expression" in joined
    assert "field 'colour': unknown key" in joined
    assert "settings.yaml: timezone: 'Mars/Olympus' is not an IANA time zone" in joined
    assert "topics.yaml: topics[0] (id 't'): field 'query'" in joined


def test_broken_yaml_gives_line_and_column(config_dir: Path) -> None:
    (config_dir / "outlets.yaml").write_text("outlets:\n  - id: x\n   name: [unclosed\n")
    [problem] = problems_of(config_dir)
    assert "outlets.yaml: not valid YAML at line" in problem


def test_database_url_override_wins(
    config_dir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # A URL given to the command (option or environment) is relative to its working directory.
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MEDIAMON_DATABASE_URL", "sqlite:///from-env.sqlite")
    assert load_config(config_dir).settings.database_url == f"sqlite:///{tmp_path}/from-env.sqlite"
    explicit = load_config(config_dir, "sqlite:///explicit.sqlite")
    assert explicit.settings.database_url == f"sqlite:///{tmp_path}/explicit.sqlite"


def test_config_check_command_lists_problems_and_exits_non_zero(config_dir: Path) -> None:
    ok = run_mediamon("config", "check", "--config", str(config_dir))
    assert "OK: 12 outlets, 1 topics" in ok.stdout
    edit_outlets(config_dir, lambda d: (d["outlets"][0].pop("name"), d["outlets"][3].update(x=1)))
    bad = run_mediamon("config", "check", "--config", str(config_dir), check=False)
    assert bad.returncode == 1
    assert "2 problem(s)" in bad.stderr
    assert "field 'name': required field is missing" in bad.stderr
    assert "field 'x': unknown key" in bad.stderr


def test_missing_config_directory_says_how_to_fix(tmp_path: Path) -> None:
    result = run_mediamon("crawl", "--config", str(tmp_path / "nope"), check=False)
    assert result.returncode != 0
    assert "not a directory; pass --config DIR or set MEDIAMON_CONFIG" in result.stderr


def test_catastrophically_backtracking_article_urls_is_refused_with_the_reason(
    config_dir: Path,
) -> None:
    edit_outlets(config_dir, lambda d: d["outlets"][0].update(article_urls="(a+)+$"))
    result = run_mediamon("config", "check", "--config", str(config_dir), check=False)
    assert result.returncode == 1
    assert "outlets[0] (id 'moscowtimes'): field 'article_urls'" in result.stderr
    assert "'(a+)+$' is refused: it nests a repeat inside a repeat" in result.stderr
    assert "exponential time" in result.stderr


@pytest.mark.parametrize("pattern", [r"(?:\w*-?)*\d", r"/(news|x+)+/", r"(.+/)*$"])
def test_other_nested_repeats_are_refused(config_dir: Path, pattern: str) -> None:
    edit_outlets(config_dir, lambda d: d["outlets"][1].update(article_urls=pattern))
    [problem] = problems_of(config_dir)
    assert "field 'article_urls'" in problem and "nests a repeat inside a repeat" in problem


def test_crawling_caps_have_defaults_and_are_checked(config_dir: Path) -> None:
    crawling = load_config(config_dir).settings.crawling
    assert (crawling.max_feed_entries, crawling.max_sitemap_urls) == (500, 50_000)
    assert (crawling.max_sitemap_depth, crawling.max_section_links) == (3, 1000)
    assert crawling.time_limit_seconds == 1800
    (config_dir / "settings.yaml").write_text("crawling:\n  max_feed_entries: 0\n")
    [problem] = problems_of(config_dir)
    assert "settings.yaml: crawling: field 'max_feed_entries'" in problem
