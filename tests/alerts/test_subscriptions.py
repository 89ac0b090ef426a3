"""Subscriptions as configured and judged: alerts.yaml validated like the other files, material
and cosmetic edits told apart, quiet hours in the configured zone, a spike against the topic's
own baseline, and `mediamon alerts test` showing what would fire without sending anything."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
from click.testing import CliRunner

from mediamon.alerts.check import check_alerts, preview
from mediamon.alerts.material import material_change
from mediamon.alerts.outbox import in_quiet_hours
from mediamon.cli import main
from mediamon.core.alerts_models import SubscriptionModel
from mediamon.core.config import ConfigError, load_config
from mediamon.core.db import open_database
from pipelines.stories import StoriesPipeline
from tests.support.digest import TOPIC, add_article

NOW = datetime(2023, 5, 22, 15, 30, tzinfo=UTC)


def write_alerts(config_dir: Path, subscription: dict[str, Any]) -> None:
    (config_dir / "alerts.yaml").write_text(yaml.safe_dump({"subscriptions": [subscription]}))


def subscription(**fields: Any) -> dict[str, Any]:
    return {"id": "desk", "topics": [TOPIC], "to": [{"webhook": "http://127.0.0.1:9/h"}]} | fields


def problems(config_dir: Path) -> list[str]:
    with pytest.raises(ConfigError) as error:
        load_config(config_dir)
    return [str(problem) for problem in error.value.problems]


def test_without_alerts_yaml_there_are_no_subscriptions(config_dir: Path) -> None:
    assert not (config_dir / "alerts.yaml").exists()
    assert load_config(config_dir).alerts.subscriptions == []


def test_alerts_yaml_is_validated_with_file_entry_and_field(config_dir: Path) -> None:
    write_alerts(
        config_dir,
        subscription(topics=["no-such-topic"], quiet_hours="late", developments=["rumour"]),
    )
    found = problems(config_dir)
    assert any("alerts.yaml: subscriptions[0] (id 'desk'): field 'quiet_hours'" in p for p in found)
    assert any("field 'developments'" in p and "rumour" in p for p in found)
    write_alerts(config_dir, subscription(topics=["no-such-topic"]))
    [problem] = problems(config_dir)
    assert "field 'topics': no topic 'no-such-topic' in topics.yaml" in problem


def test_a_target_is_exactly_one_channel(config_dir: Path) -> None:
    both = {"webhook": "http://127.0.0.1:9/h", "apprise": "json://127.0.0.1:9/h"}
    write_alerts(config_dir, subscription(to=[both]))
    [problem] = problems(config_dir)
    assert "field 'to[0]'" in problem and "exactly one" in problem


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("Drone hits depot in Belgorod", "Drone hits depot in Belgorod!", None),
        ("Drone hits depot in Belgorod", "drone hits depot in Belgorod ", None),
        ("Drone hits depot in Belgorod", "Two drones hit depot in Belgorod", "headline"),
    ],
)
def test_a_headline_edit_is_material_and_punctuation_is_not(
    old: str, new: str, expected: str | None
) -> None:
    assert material_change(old, new, "Lead.", "Lead.") == expected


def test_changed_numbers_in_the_lead_are_material() -> None:
    lead = "Officials said 3 people were wounded.\nLater paragraphs."
    changed = "Officials said 7 people were wounded.\nLater paragraphs."
    assert material_change("T", "T", lead, changed) == "numbers in the lead"
    assert material_change("T", "T", lead, lead.replace("wounded.", "wounded;")) is None
    assert material_change("T", "T", lead, lead + " And 12 more lines.") is None


def test_quiet_hours_pass_midnight_in_the_configured_zone() -> None:
    quiet = SubscriptionModel.model_validate(subscription(quiet_hours="22:00-07:00"))
    berlin = ZoneInfo("Europe/Berlin")
    assert in_quiet_hours(quiet, datetime(2023, 5, 22, 21, 0, tzinfo=UTC), berlin)  # 23:00
    assert in_quiet_hours(quiet, datetime(2023, 5, 22, 4, 0, tzinfo=UTC), berlin)  # 06:00
    assert not in_quiet_hours(quiet, datetime(2023, 5, 22, 5, 0, tzinfo=UTC), berlin)  # 07:00


def test_a_spike_is_far_above_the_topics_own_baseline(config_dir: Path, database_url: str) -> None:
    write_alerts(config_dir, subscription(developments=["spike"], spike_min_articles=4))
    config = load_config(config_dir, database_url)
    engine = open_database(database_url)
    for hours_ago in range(1, 24, 4):  # a steady trickle: one article every four hours
        add_article(engine, "tass", f"Report {hours_ago}", NOW - timedelta(hours=hours_ago))
    assert preview(engine, config, "desk", NOW) == []
    for minutes in range(5, 30, 5):  # five in the last half hour
        add_article(engine, "meduza", f"Burst {minutes}", NOW - timedelta(minutes=minutes))
    [spike] = preview(engine, config, "desk", NOW)
    assert spike.kind == "spike" and spike.detail["articles"] == 5
    assert spike.key == f"topic:{TOPIC}:spike:2023-05-22T15"


def test_alerts_test_shows_what_would_fire_without_sending(
    config_dir: Path, tmp_path: Path, webhook: Any
) -> None:
    database_url = f"sqlite:///{tmp_path}/m.sqlite"
    write_alerts(config_dir, subscription(to=[{"webhook": webhook.url}]))
    engine = open_database(database_url)
    now = datetime.now(UTC)
    first = add_article(engine, "tass", "Depot burns in Belgorod", now, fetched=now)
    StoriesPipeline(engine).group([first])
    options = ["--config", str(config_dir), "--database-url", database_url]
    result = CliRunner().invoke(main, ["alerts", "test", "desk", *options])
    assert result.exit_code == 0, result.output
    assert "new       new_story" in result.output and "Depot burns in Belgorod" in result.output
    assert webhook.received == []
    check_alerts(engine, load_config(config_dir, database_url))
    assert len(webhook.received) == 1
    again = CliRunner().invoke(main, ["alerts", "test", "desk", *options])
    assert "recorded  new_story" in again.output
    log = CliRunner().invoke(main, ["alerts", "log", *options])
    assert "sent" in log.output and "1 message(s)" in log.output
    unknown = CliRunner().invoke(main, ["alerts", "test", "nobody", *options])
    assert unknown.exit_code == 2 and "no subscription 'nobody'" in unknown.output


def test_a_message_says_what_happened_where_and_why() -> None:
    from mediamon.alerts.facts import MemberFact, StoryFacts
    from mediamon.alerts.messages import Pending, compose
    from mediamon.core.alerts_models import AlertsFile

    story = StoryFacts(7, "Depot burns\u202e in Belgorod", 1)
    story.members += [
        MemberFact(1, "tass", "ru", "Depot", "https://tass.example/1", frozenset({TOPIC})),
        MemberFact(2, "meduza", "en", "Depot", "https://meduza.example/2", frozenset()),
    ]
    desk = SubscriptionModel.model_validate(subscription())
    pending = [
        Pending("spreading", "story:7:outlets:3", "reached 3 outlets", {}),
        Pending("spreading", "story:7:language:en", "new language: en (meduza)", {}),
    ]
    plain = compose(desk, "story:7", pending, story, AlertsFile.model_validate({}))
    assert plain.payload["link"] == "https://tass.example/1"
    workspace = AlertsFile.model_validate({"workspace_url": "https://mm.example.org/"})
    message = compose(desk, "story:7", pending, story, workspace)
    assert message.title == "mediamon [desk] spreading: Depot burns in Belgorod"
    assert message.body.splitlines() == [
        "Depot burns in Belgorod",
        "- reached 3 outlets",
        "- new language: en (meduza)",
        "outlets (2): tass, meduza",
        "languages: ru, en",
        "link: https://mm.example.org/stories/7",
        f"why: subscription desk, topics {TOPIC}",
    ]


def test_the_schedulers_config_snapshot_keeps_alerts_yaml(config_dir: Path, tmp_path: Path) -> None:
    """`mediamon run` starts crawls on a copy of the config: without alerts.yaml in it, no
    crawl it starts would alert."""
    from mediamon.ops.reload import fingerprint, load_snapshot

    before = fingerprint(config_dir)
    write_alerts(config_dir, subscription())
    assert fingerprint(config_dir) != before  # adding alerts.yaml reloads the scheduler
    snapshots = tmp_path / "snapshots"
    snapshots.mkdir()
    loaded = load_snapshot(config_dir, None, snapshots)
    assert [s.id for s in loaded.alerts.subscriptions] == ["desk"]


def test_mediamon_run_checks_alerts_each_minute_when_subscribed(
    config_dir: Path, tmp_path: Path, webhook: Any
) -> None:
    from mediamon.ops.jobs import alerts_job
    from mediamon.ops.scheduler import job_specs

    database_url = f"sqlite:///{tmp_path}/m.sqlite"
    unsubscribed = job_specs(load_config(config_dir), str(config_dir), database_url)
    assert "alerts" not in [spec.id for spec in unsubscribed]
    write_alerts(config_dir, subscription(to=[{"webhook": webhook.url}]))
    [job] = [
        s
        for s in job_specs(load_config(config_dir), str(config_dir), database_url)
        if s.id == "alerts"
    ]
    assert str(job.trigger).startswith(
        "cron[month='*', day='*', day_of_week='*', hour='*', minute='*'"
    )
    engine = open_database(database_url)
    now = datetime.now(UTC)
    story = add_article(engine, "tass", "Depot burns in Belgorod", now, fetched=now)
    StoriesPipeline(engine).group([story])
    assert job.func(*job.args) == "ok"
    assert [m["developments"][0]["kind"] for m in webhook.received] == ["new_story"]
    assert alerts_job is job.func


def test_a_query_with_a_syntax_error_is_named_with_its_position(config_dir: Path) -> None:
    write_alerts(config_dir, subscription(query='Belgorod AND (drone OR "depot'))
    [problem] = problems(config_dir)
    assert "alerts.yaml: subscriptions[0] (id 'desk'): field 'query'" in problem
    assert "at character" in problem


def test_a_query_subscription_alerts_only_on_stories_matching_it(
    config_dir: Path, tmp_path: Path, webhook: Any
) -> None:
    database_url = f"sqlite:///{tmp_path}/m.sqlite"
    query = "depot AND (drone* OR fire)"
    write_alerts(config_dir, subscription(topics=[], query=query, to=[{"webhook": webhook.url}]))
    config = load_config(config_dir, database_url)
    engine = open_database(database_url)
    now = datetime.now(UTC)
    burning = add_article(
        engine, "tass", "Depot burns", now, text="Drones hit a fuel depot.", fetched=now
    )
    other = add_article(
        engine, "meduza", "Governor speaks", now, text="Talks about schools.", fetched=now
    )
    StoriesPipeline(engine).group([burning, other])
    assert [d.detail["outlet"] for d in preview(engine, config, "desk")] == ["tass"]
    check_alerts(engine, config)
    [message] = webhook.received
    assert message["headline"] == "Depot burns" and message["query"] == query
