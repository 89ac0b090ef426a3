"""The request log of the outlet world: every request any outlet answered, for test assertions."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class RequestRecord:
    """One answered request. ``bytes_sent`` counts status line, headers and body."""

    time: datetime
    monotonic: float
    outlet_id: str
    method: str
    host: str
    port: int
    path: str
    url: str
    headers: dict[str, str]
    status: int
    body_bytes: int
    bytes_sent: int

    def header(self, name: str) -> str | None:
        """A request header by case-insensitive name."""
        lowered = name.lower()
        return next((v for k, v in self.headers.items() if k.lower() == lowered), None)

    @property
    def conditional(self) -> bool:
        """Whether the client sent a conditional GET (If-None-Match or If-Modified-Since)."""
        return bool(self.header("If-None-Match") or self.header("If-Modified-Since"))


class RequestLog:
    """Thread-safe, append-only until cleared; readers get a snapshot."""

    def __init__(self) -> None:
        self._records: list[RequestRecord] = []
        self._lock = threading.Lock()

    def append(self, record: RequestRecord) -> None:
        with self._lock:
            self._records.append(record)

    def snapshot(self) -> list[RequestRecord]:
        with self._lock:
            return list(self._records)

    def clear(self) -> None:
        with self._lock:
            self._records.clear()
