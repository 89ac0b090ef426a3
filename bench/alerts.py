"""Alerts under `mediamon run`: a developing story published in the outlet world over simulated
hours while the scheduler polls every outlet each minute; per development, the delay from its
publication in the world to the webhook receiving it, and how many times it was received.

The story (its articles dated hours apart, as a story develops) is published one step at a time:
a first outlet (a new story), a second and a third outlet (reaching 2 and 3 outlets), a
Russian-language outlet (reaching 4, a new language), a state-owned one (reaching 5, first
state-owned coverage), then the first outlet rewords its headline (a material edit: its feed
says when, so the next poll fetches the article again; ``crawling.min_refetch_interval_minutes``
is one minute here, as the simulated hours pass in minutes). Each step waits until its
developments arrive, or for two poll intervals and a minute. The baseline is the
target itself: one poll interval plus 30 seconds, printed beside the worst delay as
``delay_ratio``.
The last line printed is a JSON object: developments, delivered, duplicates, max_delay_s,
poll_interval_s, target_s, delay_ratio.

    .venv/bin/python bench/alerts.py
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import yaml

from mediamon.world import OutletWorld
from mediamon.world.developing import EN, HEADLINE, RU

REPO = Path(__file__).resolve().parents[1]
POLL_INTERVAL_S = 60  # the outlets' schedule: "* * * * *"
SLACK_S = 30
EDITED_HEADLINE = "Legion saboteurs cross into Belgorod region near Kozinka"
# Each step: who publishes, its text, and the developments it makes (key suffixes after
# story:<id>:).
STEPS: list[tuple[str, list[str], list[str]]] = [
    ("moscowmonitor", EN, ["new"]),
    ("northernbroadcasting", EN, ["outlets:2"]),
    ("khvylia", EN, ["outlets:3"]),
    ("meridian", RU, ["outlets:4", "language:ru"]),
    ("vestiagency", RU, ["outlets:5", "label:state-owned"]),
]


class Receiver(HTTPServer):
    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.received: list[tuple[float, dict[str, Any]]] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/hook"


class Handler(BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append((time.monotonic(), json.loads(body)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


def write_config(world: OutletWorld, directory: Path, database_url: str, hook: str) -> Path:
    settings = directory / "settings-source.yaml"
    directory.mkdir(parents=True, exist_ok=True)
    settings.write_text(
        yaml.safe_dump(
            {
                "database_url": database_url,
                "crawling": {
                    "poll_interval_min_minutes": 0.25,
                    "min_refetch_interval_minutes": 1,
                },
                "digest": {"schedule": "0 7 1 1 *"},
            }
        )
    )
    config = world.write_config(directory / "config", REPO / "config" / "topics.yaml", settings)
    outlets_file = config / "outlets.yaml"
    outlets = yaml.safe_load(outlets_file.read_text(encoding="utf-8"))
    for outlet in outlets["outlets"]:
        outlet["schedule"] = "* * * * *"
    outlets_file.write_text(yaml.safe_dump(outlets, allow_unicode=True), encoding="utf-8")
    subscription = {
        "id": "bench",
        "topics": ["belgorod-incursion"],
        "developments": ["new_story", "spreading", "material_edit"],
        "outlets": [2, 3, 4, 5],
        "labels": ["state-owned"],
        "min_interval_minutes": 0,
        "to": [{"webhook": hook}],
    }
    (config / "alerts.yaml").write_text(yaml.safe_dump({"subscriptions": [subscription]}))
    return config


def keys_received(receiver: Receiver) -> list[tuple[float, str]]:
    return [
        (at, development["key"])
        for at, message in list(receiver.received)
        for development in message["developments"]
    ]


def wait_for(receiver: Receiver, wanted: list[str], first_url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all(arrival(receiver, suffix, first_url) is not None for suffix in wanted):
            return
        time.sleep(0.5)


def arrival(receiver: Receiver, suffix: str, first_url: str) -> float | None:
    """When a development of the story started at ``first_url`` arrived (its link: the first
    article, as no workspace is configured)."""
    for at, message in list(receiver.received):
        if message.get("link") != first_url:
            continue
        for development in message["developments"]:
            if development["key"].endswith(":" + suffix):
                return at
    return None


def main() -> None:
    argparse.ArgumentParser(description=__doc__.split("\n\n")[0]).parse_args()
    receiver = Receiver()
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    with tempfile.TemporaryDirectory() as tmp, OutletWorld() as world:
        database_url = f"sqlite:///{tmp}/bench.sqlite"
        config = write_config(world, Path(tmp), database_url, receiver.url)
        env = {k: v for k, v in os.environ.items() if not k.startswith("MEDIAMON_")}
        log = open(Path(tmp) / "run.log", "w")  # noqa: SIM115 - the scheduler writes it
        scheduler = subprocess.Popen(
            [sys.executable, "-m", "mediamon", "run", "--config", str(config)],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            results = develop(world, receiver)
        finally:
            scheduler.terminate()
            scheduler.wait(timeout=60)
            log.close()
    report(receiver, results)


def develop(world: OutletWorld, receiver: Receiver) -> list[tuple[str, float, float | None]]:
    time.sleep(POLL_INTERVAL_S + SLACK_S)  # the first poll: the world's starting stories
    start = datetime.now(UTC) - timedelta(hours=len(STEPS))  # simulated hours, one per step
    first_url = ""
    results: list[tuple[str, float, float | None]] = []
    for hour, (outlet, paragraphs, wanted) in enumerate(STEPS):
        published_at = time.monotonic()
        article = world.add_article(
            outlet,
            title=HEADLINE,
            paragraphs=paragraphs,
            published=start + timedelta(hours=hour),
            slug=f"glotovo-{hour}",
        )
        first_url = first_url or article.url
        results += measure(receiver, wanted, first_url, published_at)
    edited_at = time.monotonic()
    world.edit_article(first_url, title=EDITED_HEADLINE)
    return results + measure(receiver, ["edit:1"], first_url, edited_at)


def measure(
    receiver: Receiver, wanted: list[str], first_url: str, published_at: float
) -> list[tuple[str, float, float | None]]:
    """Wait for the developments ``wanted`` of a step published at ``published_at``; each with
    its delay (None: never arrived)."""
    wait_for(receiver, wanted, first_url, 2 * POLL_INTERVAL_S + 60)
    results = []
    for suffix in wanted:
        arrived = arrival(receiver, suffix, first_url)
        delay = None if arrived is None else arrived - published_at
        results.append((suffix, published_at, delay))
        print(f"{suffix:20} delay {'missing' if delay is None else f'{delay:6.1f} s'}")
    return results


def report(receiver: Receiver, results: list[tuple[str, float, float | None]]) -> None:
    counts = Counter(key for _, key in keys_received(receiver))
    delays = [delay for _, _, delay in results if delay is not None]
    max_delay = round(max(delays), 1) if delays else None
    target = POLL_INTERVAL_S + SLACK_S
    print(
        json.dumps(
            {
                "developments": len(results),
                "delivered": len(delays),
                "duplicates": sum(n - 1 for n in counts.values() if n > 1),
                "max_delay_s": max_delay,
                "poll_interval_s": POLL_INTERVAL_S,
                "target_s": target,
                "delay_ratio": round(max_delay / target, 2) if max_delay is not None else None,
            }
        )
    )


if __name__ == "__main__":
    main()
