"""`python tests/support/scripts/full_disk_crawl.py SPARE_PAGES crawl ...`: `mediamon` on a
"full disk".

Every SQLite connection may grow its database by SPARE_PAGES pages at most (``PRAGMA
max_page_count``): a write beyond that fails in SQLite itself with SQLITE_FULL, "database or
disk is full", as on a disk with no space left.
"""

from __future__ import annotations

import sqlite3
import sys
from typing import Any

from sqlalchemy import event
from sqlalchemy.pool import Pool

SPARE_PAGES = int(sys.argv[1]) if __name__ == "__main__" else 0


@event.listens_for(Pool, "connect")
def _limit_growth(connection: Any, _record: Any) -> None:
    if isinstance(connection, sqlite3.Connection):
        cursor = connection.cursor()
        pages = cursor.execute("PRAGMA page_count").fetchone()[0]
        cursor.execute(f"PRAGMA max_page_count={pages + SPARE_PAGES}")
        cursor.close()


if __name__ == "__main__":
    from mediamon.cli import main

    sys.argv = ["mediamon", *sys.argv[2:]]
    main()
