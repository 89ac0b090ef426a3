"""Health alerts judged against each outlet's own rhythm, delivered once by webhook; cron
expressions read with crontab's weekday numbers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from mediamon.core.config import ConfigError, load_config
from mediamon.core.config_models import AlertSettings
from mediamon.core.cron import cron_trigger
from mediamon.core.db import open_database
from mediamon.crawl.feedstate import record_poll
from mediamon.ops.alerts import notify_new_alerts
from mediamon.ops.health import short_text_alerts, silent_outlet_alerts
from tests.support.scheduler import fake_outlets, write_config

NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
RULES = AlertSettings.model_validate({"silent_factor": 3, "silent_floor_hours": 6})


def hourly_until(last: datetime, count: int = 10) -> list[datetime]:
    return [last - timedelta(hours=n) for n in range(count)]


def test_an_outlet_quiet_for_longer_than_its_rhythm_allows_is_silent() -> None:
    quiet_7h = hourly_until(NOW - timedelta(hours=7))
    quiet_5h = hourly_until(NOW - timedelta(hours=5))
    [alert] = silent_outlet_alerts("tass", quiet_7h, NOW, RULES)
    assert alert.kind == "silent-outlet" and "no new article for 7.0 h" in alert.message
    assert silent_outlet_alerts("tass", quiet_5h, NOW, RULES) == []  # the 6 h floor


def test_a_slow_outlet_is_judged_by_its_own_rhythm() -> None:
    daily = [NOW - timedelta(days=1, hours=n * 24) for n in range(10)]
    assert silent_outlet_alerts("weekly-review", daily, NOW, RULES) == []
    assert silent_outlet_alerts("weekly-review", daily, NOW + timedelta(days=3), RULES)
    assert silent_outlet_alerts("new-outlet", daily[:3], NOW + timedelta(days=30), RULES) == []


def test_texts_far_shorter_than_the_outlet_norm_raise_an_alert() -> None:
    [alert] = short_text_alerts("rt", [300] * 5 + [3000] * 20, RULES)
    assert "median of 300 characters against a usual 3000" in alert.message
    assert short_text_alerts("rt", [2500] * 5 + [3000] * 20, RULES) == []


def test_a_failing_feed_is_alerted_once_by_webhook_and_again_after_recovering(
    tmp_path: Path, webhook: Any, database_url: str
) -> None:
    settings = {"alerts": {"webhook_url": webhook.url, "failing_polls": 3}}
    directory = write_config(tmp_path / "config", fake_outlets({"tass": "*/30 * * * *"}), settings)
    config = load_config(directory, database_url)
    engine = open_database(config.settings.database_url)
    feed = config.outlets[0].feeds[0]
    for attempt in range(4):
        record_poll(engine, feed, "tass", 503, None)
        notify_new_alerts(engine, config)
        assert len(webhook.received) == (0 if attempt < 2 else 1)
    [alert] = webhook.received[0]["alerts"]
    assert alert == {
        "kind": "failing-feed",
        "outlet": "tass",
        "subject": feed,
        "message": f"tass: feed {feed} failed its last 3 polls (last: HTTP 503)",
    }
    record_poll(engine, feed, "tass", 200, None)
    assert notify_new_alerts(engine, config) == []
    for _ in range(3):
        record_poll(engine, feed, "tass", None, None)
        notify_new_alerts(engine, config)
    assert len(webhook.received) == 2


def test_cron_weekdays_count_from_sunday_as_in_crontab() -> None:
    sunday = datetime(2025, 3, 9, 8, 0, tzinfo=UTC)
    trigger = cron_trigger("0 7 * * 1-5", UTC)
    fires = [trigger.get_next_fire_time(None, sunday)]
    for _ in range(5):
        assert fires[-1] is not None
        fires.append(trigger.get_next_fire_time(fires[-1], fires[-1] + timedelta(seconds=1)))
    weekdays = ["Mon", "Tue", "Wed", "Thu", "Fri", "Mon"]
    assert [f"{fire:%a %H:%M}" for fire in fires if fire] == [f"{day} 07:00" for day in weekdays]
    assert f"{cron_trigger('0 7 * * 0', UTC).get_next_fire_time(None, sunday):%a}" == "Sun"


def test_schedules_take_an_optional_seconds_field_and_reject_nonsense(tmp_path: Path) -> None:
    outlets = fake_outlets({"fast": "*/5 * * * * *", "broken": "every 5 minutes"})
    with pytest.raises(ConfigError) as raised:
        load_config(write_config(tmp_path / "config", outlets, {}))
    [problem] = raised.value.problems
    assert problem.entry == "outlets[1] (id 'broken')" and problem.field == "schedule"
