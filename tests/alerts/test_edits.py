"""Material edits on the store's own versions: an article of a subscribed story re-stored with
a reworded headline, or with changed numbers in its lead, fires one "material edit"; a re-stored
text changed only in punctuation is kept as a version and fires nothing. On SQLite and
PostgreSQL, delivered to a local webhook."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from mediamon.alerts.check import check_alerts
from mediamon.core.config import load_config
from mediamon.core.db import open_database
from mediamon.store.saving import store_article
from mediamon.store.versions import article_texts
from pipelines.stories import StoriesPipeline
from tests.store.test_store import article

URL = "https://tass.com/a/1"
LEAD = "Officials said 3 people were wounded in Graivoron.\nThe governor visited the site."


def test_a_material_edit_fires_once_and_a_cosmetic_one_never(
    config_dir: Path, database_url: str, webhook: Any
) -> None:
    subscription = {
        "id": "desk",
        "topics": ["belgorod-incursion"],
        "developments": ["material_edit"],
        "min_interval_minutes": 0,
        "to": [{"webhook": webhook.url}],
    }
    (config_dir / "alerts.yaml").write_text(yaml.safe_dump({"subscriptions": [subscription]}))
    config = load_config(config_dir, database_url)
    engine = open_database(database_url)
    now = datetime.now(UTC)

    def restore(title: str, text: str) -> None:
        store_article(engine, article(URL, text, title=title, fetched_at=datetime.now(UTC)))
        check_alerts(engine, config)

    first = store_article(engine, article(URL, LEAD, title="Drone hits Graivoron", fetched_at=now))
    assert first is not None
    StoriesPipeline(engine).group([first])
    check_alerts(engine, config)
    assert webhook.received == []  # a new article is no edit

    restore("Drone hits Graivoron!", LEAD.replace("site.", "site;"))  # punctuation only
    assert len(article_texts(engine, first)) == 2  # kept as a version, yet cosmetic
    assert webhook.received == []

    restore("Two drones hit Graivoron", LEAD.replace("site;", "site"))
    [edit] = webhook.received
    [development] = edit["developments"]
    assert development["kind"] == "material_edit" and development["change"] == "headline"
    assert development["before"] == "Drone hits Graivoron!"
    assert development["after"] == "Two drones hit Graivoron"

    restore("Two drones hit Graivoron", LEAD.replace("3 people", "7 people"))
    assert [d["change"] for d in webhook.received[1]["developments"]] == ["numbers in the lead"]
    check_alerts(engine, config)
    check_alerts(engine, config)
    assert len(webhook.received) == 2  # each edit once, however often checked
