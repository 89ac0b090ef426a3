"""A slow resolver for crawls: the world's stub DNS (:func:`stub_getaddrinfo`), each answer held
back by a per-host delay, every lookup's start and end appended to a log. A crawl process uses
it through ``MEDIAMON_DNS_LOOKUP`` (see :func:`slow_dns_env`)."""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path
from typing import Any

from mediamon.world.attacks import stub_getaddrinfo, write_stub_dns

SLOW_DNS_ENV = "MEDIAMON_TEST_SLOW_DNS"
SLOW_DNS_FUNCTION = "tests.support.slow_dns.slow_getaddrinfo"
_log_lock = threading.Lock()


def slow_dns_env(
    directory: Path, answers: dict[str, list[list[str]]], delays: dict[str, float]
) -> dict[str, str]:
    """The environment that makes a crawl resolve ``answers`` slowly (``delays`` by host);
    lookups are logged to ``directory / "lookups.log"`` (see :func:`read_lookups`)."""
    env = write_stub_dns(directory / "dns.json", answers, directory / "dns.log")
    settings = {"delays": delays, "log": str(directory / "lookups.log")}
    (directory / "slow-dns.json").write_text(json.dumps(settings))
    return {
        **env,
        SLOW_DNS_ENV: str(directory / "slow-dns.json"),
        "MEDIAMON_DNS_LOOKUP": SLOW_DNS_FUNCTION,
    }


def slow_getaddrinfo(host: str, port: Any, *args: Any, **kwargs: Any) -> list[tuple[Any, ...]]:
    settings = json.loads(Path(os.environ[SLOW_DNS_ENV]).read_text())
    log = Path(settings["log"])
    _append(log, "start", host)
    try:
        time.sleep(settings["delays"].get(host, 0.0))
        return stub_getaddrinfo(host, port, *args, **kwargs)
    finally:
        _append(log, "end", host)


def _append(log: Path, event: str, host: str) -> None:
    with _log_lock, log.open("a") as file:
        file.write(f"{event} {host} {time.monotonic():.6f}\n")


def read_lookups(directory: Path) -> list[tuple[str, str, float]]:
    """Every logged lookup event, in order: (``start`` or ``end``, host, monotonic time)."""
    lines = (directory / "lookups.log").read_text().split("\n")
    events = [line.split() for line in lines if line]
    return [(event, host, float(moment)) for event, host, moment in events]
