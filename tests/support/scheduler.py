"""Running `mediamon run` as a real process in tests, with configs of fake outlets."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import create_engine, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from mediamon.core.models import Run
from tests.support import REPO

FAKE_CRAWL = REPO / "tests" / "support" / "scripts" / "fake_crawl.py"
NO_FEED = "http://127.0.0.1:9/feed"


def fake_outlets(schedules: dict[str, str]) -> dict[str, Any]:
    """outlets.yaml content: one outlet per id, polled on its schedule (never really fetched)."""
    outlets = [
        {"id": outlet_id, "name": outlet_id, "homepage": "http://127.0.0.1:9/", "feeds": [NO_FEED]}
        | {"schedule": schedule}
        for outlet_id, schedule in schedules.items()
    ]
    return {"outlets": outlets}


def write_config(directory: Path, outlets: dict[str, Any], settings: dict[str, Any]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    write_yaml(directory / "outlets.yaml", outlets)
    write_yaml(directory / "topics.yaml", {"topics": []})
    write_yaml(directory / "settings.yaml", {"timezone": "UTC", **settings})
    return directory


def write_yaml(path: Path, document: dict[str, Any]) -> None:
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")


def fake_crawl_settings(**scheduler: Any) -> dict[str, Any]:
    """settings.yaml with the fake crawl command, short limits and ``scheduler`` overrides."""
    defaults = {
        "crawl_command": [sys.executable, str(FAKE_CRAWL)],
        "crawl_time_limit": 30,
        "stop_grace": 3,
        "reload_interval": 0.5,
    }
    return {"scheduler": defaults | scheduler, "digest": {"schedule": "0 7 1 1 *"}}


@dataclass
class Scheduler:
    process: subprocess.Popen[str]
    log: Path

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self, signum: int = signal.SIGTERM, timeout: float = 20) -> int:
        self.process.send_signal(signum)
        return self.process.wait(timeout=timeout)


@contextmanager
def scheduler_process(config: Path, database_url: str, log: Path) -> Iterator[Scheduler]:
    """`mediamon run` in its own process; killed at the end if the test left it running."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEDIAMON_")}
    command = [sys.executable, "-m", "mediamon", "run", "--config", str(config)]
    with log.open("a", encoding="utf-8") as output:
        process = subprocess.Popen(
            [*command, "--database-url", database_url],
            stdout=output,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
            cwd=log.parent,
        )
    running = Scheduler(process, log)
    try:
        yield running
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def runs_of(database_url: str, job: str) -> list[Run]:
    """The runs recorded under ``job``, oldest first (none while the database is being created)."""
    engine = create_engine(database_url)
    try:
        with Session(engine) as session:
            return list(session.scalars(select(Run).where(Run.job == job).order_by(Run.id)))
    except OperationalError:
        return []
    finally:
        engine.dispose()


def wait_until(condition: Callable[[], object], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting until {what}")
        time.sleep(0.2)


class WebhookReceiver(HTTPServer):
    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), WebhookHandler)
        self.received: list[dict[str, Any]] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/hook"


class WebhookHandler(BaseHTTPRequestHandler):
    server: WebhookReceiver

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append(json.loads(body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def webhook_receiver() -> Iterator[WebhookReceiver]:
    """A real HTTP server on 127.0.0.1 collecting the JSON bodies POSTed to it."""
    server = WebhookReceiver()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
