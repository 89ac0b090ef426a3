"""Learned per-outlet template lines, kept in the database.

A paragraph seen in ``min_articles`` or more distinct articles of one outlet is that outlet's
boilerplate ("learned"). A user can pin a line (always removed) or exempt it (never removed,
whatever its count). Sightings are stored per article, so re-crawling or re-extracting an article
never counts it twice, in this process or any other.

Recording is on every crawled article's path, so sightings are buffered and written in batches
(every ``batch_articles`` articles or ``batch_seconds``, and on ``flush``). The database stays the
judge of every count; what this process has seen of each line only decides when to ask it early,
so a line crossing the threshold is learned at the article that takes it there.
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, bindparam, select, update
from sqlalchemy.orm import Session

from mediamon.core.models import BoilerplateLine, utcnow
from mediamon.extract.learned_writes import LINES, Line, LineRow, Sighting, write_sightings

ACTIVE_STATUSES = ("learned", "pinned")
MANUAL_STATUSES = ("pinned", "exempt")
MIN_LINE_CHARS = 3
MIN_HASH_PREFIX = 6
BATCH_ARTICLES = 100
BATCH_SECONDS = 5.0
# The first articles of each outlet in a process read their lines' counts from the database: a
# template line is in every article, so these find the ones earlier processes already counted.
LOOKUP_ARTICLES = 10
# After a flush, lines seen in fewer articles are forgotten (seen again, they count from the
# database's next answer): remembering every paragraph of a long crawl would cost more than it
# saves. Past MAX_REMEMBERED_LINES everything is forgotten.
REMEMBER_FROM_COUNT = 2
MAX_REMEMBERED_LINES = 100_000


def normalise_line(text: str) -> str:
    """A paragraph with case and whitespace folded: the form lines are compared in."""
    return " ".join(text.split()).casefold()


def line_hash(text: str) -> str:
    return _hash_collapsed(" ".join(text.split()))


def _hash_collapsed(text: str) -> str:
    """``line_hash`` of a paragraph whose whitespace is already collapsed."""
    return hashlib.sha1(text.casefold().encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class LineReport:
    line_hash: str
    text: str
    article_count: int
    status: str


class TemplateLines:
    """The outlet template lines in one database, with the learning threshold.

    ``record`` buffers; whoever records must ``flush`` when done, or the last batch is lost.
    """

    def __init__(
        self,
        engine: Engine,
        min_articles: int,
        batch_articles: int = BATCH_ARTICLES,
        batch_seconds: float = BATCH_SECONDS,
    ) -> None:
        self.engine = engine
        self.min_articles = min_articles
        self.batch_articles = batch_articles
        self.batch_seconds = batch_seconds
        self._sightings: set[Sighting] = set()
        self._texts: dict[Line, str] = {}
        self._buffered_articles = 0
        self._buffered_since = 0.0
        # Distinct articles per candidate line: the database's count when last known, plus
        # the buffered sightings since. Lines no longer candidates are settled and not counted.
        self._counts: dict[Line, int] = {}
        self._settled: set[Line] = set()
        self._looked_up: Counter[str] = Counter()
        self._learned: dict[str, list[str]] = {}

    def active_lines(self, outlet_id: str) -> set[str]:
        """Texts removed from the outlet's articles: learned and pinned lines, never exempt ones."""
        query = select(LINES.c.line_hash, LINES.c.text, LINES.c.status).where(
            LINES.c.outlet_id == outlet_id, LINES.c.status != "candidate"
        )
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
        self._settled.update((outlet_id, hash_) for hash_, _, _ in rows)
        return {text for _, text, status in rows if status in ACTIVE_STATUSES}

    def record(self, outlet_id: str, article_key: str, paragraphs: Iterable[str]) -> list[str]:
        """Note that an article showed these paragraphs; returns the outlet's lines learned since
        its previous record, which includes those this article took over the threshold."""
        texts = (" ".join(paragraph.split()) for paragraph in paragraphs)
        lines = {_hash_collapsed(text): text for text in texts if len(text) >= MIN_LINE_CHARS}
        if lines:
            article_hash = hashlib.sha1(article_key.encode("utf-8")).hexdigest()
            self._look_up(outlet_id, lines)
            if self._buffer(outlet_id, article_hash, lines) or self._due():
                self._flush()
        return self._learned.pop(outlet_id, [])

    def flush(self) -> dict[str, list[str]]:
        """Write the buffered sightings; returns the lines learned, not yet returned, by outlet."""
        self._flush()
        learned, self._learned = self._learned, {}
        return learned

    def _look_up(self, outlet_id: str, lines: dict[str, str]) -> None:
        if self._looked_up[outlet_id] >= LOOKUP_ARTICLES:
            return
        self._looked_up[outlet_id] += 1
        unknown = [h for h in lines if (outlet_id, h) not in self._counts]
        unknown = [h for h in unknown if (outlet_id, h) not in self._settled]
        if not unknown:
            return
        query = select(LINES.c.line_hash, LINES.c.status, LINES.c.article_count).where(
            LINES.c.outlet_id == outlet_id,
            LINES.c.line_hash.in_(bindparam("hashes", expanding=True)),
        )
        with self.engine.connect() as connection:
            rows = connection.execute(query, {"hashes": unknown}).all()
        for hash_, status, count in rows:
            if status == "candidate":
                self._counts[outlet_id, hash_] = count
            else:
                self._settled.add((outlet_id, hash_))

    def _buffer(self, outlet_id: str, article_hash: str, lines: dict[str, str]) -> bool:
        """Buffer the article's new sightings; True if a line may have reached the threshold."""
        new = [h for h in lines if (outlet_id, h, article_hash) not in self._sightings]
        if not new:
            return False
        if not self._sightings:
            self._buffered_since = time.monotonic()
        self._buffered_articles += 1
        reached = False
        for hash_ in new:
            line = (outlet_id, hash_)
            self._sightings.add((outlet_id, hash_, article_hash))
            self._texts.setdefault(line, lines[hash_])
            if line not in self._settled:
                self._counts[line] = count = self._counts.get(line, 0) + 1
                reached = reached or count >= self.min_articles
        return reached

    def _due(self) -> bool:
        if self._buffered_articles >= self.batch_articles:
            return True
        return bool(self._sightings) and (
            time.monotonic() - self._buffered_since >= self.batch_seconds
        )

    def _flush(self) -> None:
        if not self._sightings:
            return
        sightings, texts, articles = self._sightings, self._texts, self._buffered_articles
        self._sightings, self._texts, self._buffered_articles = set(), {}, 0
        try:
            with self.engine.begin() as connection:
                rows = write_sightings(connection, sightings, texts)
                learned = self._learn(connection, rows)
        except BaseException:
            # Kept for the next flush: the batch was rolled back, and writing it is idempotent.
            self._sightings |= sightings
            self._texts = texts | self._texts
            self._buffered_articles += articles
            raise
        self._remember(rows, learned)

    def _learn(self, connection: Connection, rows: Sequence[LineRow]) -> list[tuple[Line, str]]:
        """Learn the candidates at the threshold; the database says which this process learned."""
        learned = []
        for outlet_id, hash_, status, count in rows:
            if status != "candidate" or count < self.min_articles:
                continue
            text = connection.execute(
                update(LINES)
                .where(LINES.c.outlet_id == outlet_id, LINES.c.line_hash == hash_)
                .where(LINES.c.status == "candidate")
                .values(status="learned")
                .returning(LINES.c.text)
            ).scalar()
            if text is not None:
                learned.append(((outlet_id, hash_), text))
        return learned

    def _remember(self, rows: Sequence[LineRow], learned: list[tuple[Line, str]]) -> None:
        for outlet_id, hash_, status, count in rows:
            line = (outlet_id, hash_)
            if status != "candidate":
                self._settled.add(line)
            if status == "candidate" and count >= REMEMBER_FROM_COUNT:
                self._counts[line] = count
            else:
                self._counts.pop(line, None)
        for line, text in learned:
            self._settled.add(line)
            self._counts.pop(line, None)
            self._learned.setdefault(line[0], []).append(text)
        if len(self._counts) > MAX_REMEMBERED_LINES:
            self._counts.clear()

    def lines(self, outlet_id: str, statuses: Iterable[str] = ()) -> list[LineReport]:
        """The outlet's lines, most widespread first, optionally only those in ``statuses``."""
        self._flush()
        query = select(BoilerplateLine).where(BoilerplateLine.outlet_id == outlet_id)
        if wanted := list(statuses):
            query = query.where(BoilerplateLine.status.in_(wanted))
        query = query.order_by(BoilerplateLine.article_count.desc(), BoilerplateLine.text)
        with Session(self.engine) as session:
            return [
                LineReport(row.line_hash, row.text, row.article_count, row.status)
                for row in session.scalars(query)
            ]

    def set_status(self, outlet_id: str, text_or_hash: str, status: str) -> LineReport:
        """Pin or exempt a line given by its text or (a prefix of) its hash."""
        if status not in MANUAL_STATUSES:
            raise ValueError(f"status must be one of {MANUAL_STATUSES}, not {status!r}")
        with Session(self.engine) as session, session.begin():
            row = _find_line(session, outlet_id, text_or_hash)
            if row is None:
                row = _new_line(session, outlet_id, line_hash(text_or_hash), text_or_hash.strip())
            row.status = status
            self._settled.add((outlet_id, row.line_hash))
            return LineReport(row.line_hash, row.text, row.article_count or 0, row.status)


def _new_line(session: Session, outlet_id: str, hash_: str, text: str) -> BoilerplateLine:
    row = BoilerplateLine(
        outlet_id=outlet_id,
        line_hash=hash_,
        text=text,
        article_count=0,
        status="candidate",
        first_seen_at=utcnow(),
    )
    session.add(row)
    return row


def _find_line(session: Session, outlet_id: str, text_or_hash: str) -> BoilerplateLine | None:
    wanted = text_or_hash.strip().lower()
    query = select(BoilerplateLine).where(BoilerplateLine.outlet_id == outlet_id)
    if len(wanted) >= MIN_HASH_PREFIX and all(c in "0123456789abcdef" for c in wanted):
        matches = list(session.scalars(query.where(BoilerplateLine.line_hash.startswith(wanted))))
        if len(matches) == 1:
            return matches[0]
    exact = query.where(BoilerplateLine.line_hash == line_hash(text_or_hash))
    return session.scalars(exact).first()
