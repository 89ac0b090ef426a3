"""Which database errors mean the database refuses writes, and why, in words for a log line.

SQLite: locked beyond the busy timeout, full, read-only, a failed write (a file size limit). A
transient conflict (e.g. SQLITE_BUSY_SNAPSHOT) is not a refusal. PostgreSQL: out of resources
(disk full), a read-only transaction or server, a lock not obtained within the lock timeout.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

# SQLite's primary result codes for a database that refuses writes, and what each means.
SQLITE_UNWRITABLE = {
    sqlite3.SQLITE_BUSY: "another process held its write lock for longer than the busy timeout",
    sqlite3.SQLITE_LOCKED: "another connection held a lock on it",
    sqlite3.SQLITE_FULL: "no space left on the disk, or the database reached its size limit",
    sqlite3.SQLITE_READONLY: "the database file or its directory is read-only",
    sqlite3.SQLITE_IOERR: "the disk refused a write: full, a file size limit, or failing",
    sqlite3.SQLITE_CANTOPEN: "its file cannot be opened",
}
# PostgreSQL SQLSTATEs (or their class, the first two characters) of a refused write.
POSTGRES_UNWRITABLE = {
    "53": "the server is out of resources (disk full, out of memory or connections)",
    "25006": "the transaction or server is read-only",
    "55P03": "another session held a lock for longer than the lock timeout",
}


def unwritable_reason(error: BaseException) -> str | None:
    """Why the database refuses writes, when ``error`` (or what it wraps) says so: locked beyond
    the busy timeout, full, read-only; None for any other error (a bug, a constraint)."""
    for cause in _causes(error):
        if isinstance(cause, sqlite3.Error) and (meaning := _sqlite_meaning(cause)):
            return f"{cause} ({meaning})"
        if meaning := _postgres_meaning(cause):
            return f"{str(cause).strip().splitlines()[0]} ({meaning})"
    return None


# Families whose extended codes all mean a refused write (any SQLITE_IOERR_*, SQLITE_READONLY_*).
_SQLITE_FAMILIES = {sqlite3.SQLITE_FULL, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_IOERR}


def _sqlite_meaning(error: sqlite3.Error) -> str | None:
    code = getattr(error, "sqlite_errorcode", None)
    if not isinstance(code, int):
        return None
    primary = code & 0xFF
    # other extended codes (e.g. SQLITE_BUSY_SNAPSHOT) are transient conflicts, not a long wait
    if code == primary or primary in _SQLITE_FAMILIES:
        return SQLITE_UNWRITABLE.get(primary)
    return None


def _postgres_meaning(error: BaseException) -> str | None:
    state = getattr(error, "sqlstate", None)
    if not isinstance(state, str):
        return None
    return POSTGRES_UNWRITABLE.get(state) or POSTGRES_UNWRITABLE.get(state[:2])


def _causes(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    pending: list[BaseException | None] = [error]
    while pending:
        cause = pending.pop()
        if cause is None or id(cause) in seen:
            continue
        seen.add(id(cause))
        yield cause
        orig = getattr(cause, "orig", None)
        pending += [cause.__context__, cause.__cause__]
        if isinstance(orig, BaseException):
            pending.append(orig)
