"""Which stored article an article is: matched by address, within its own outlet only.

``articles.url`` and ``articles.canonical_url`` are each unique over all outlets, but an article
is only ever matched to a stored row of its own outlet: a page of one outlet that names another
outlet's article as its canonical URL must never replace that article's title and text, nor make
its address look stored. Sameness across outlets is the dedup stage's business: a syndicated copy
is stored as a row of its own outlet, ``duplicate_of`` the original.

Outlets may share a domain (an outlet's editions in two languages). A URL another outlet fetched
is that outlet's article, not stored again. A canonical URL another outlet holds gives way to the
article's own URL; and where another outlet's row holds an article's own address only as its
declared canonical URL, that row takes its own address back as its canonical URL: what a page
was fetched at outweighs what another page says about it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import Engine, or_, select, update
from sqlalchemy.orm import Session

from mediamon.core.article import Article
from mediamon.core.models import ArticleRow
from mediamon.extract.canonical import canonicalize

LOOKUP_CHUNK = 500
Placement = Literal["new", "again", "elsewhere"]


@dataclass(frozen=True)
class _Holder:
    """An article holding addresses: its outlet, its row (None: new in this batch), its URL and
    canonical URL."""

    outlet_id: str
    row_id: int | None
    url: str
    canonical: str

    @property
    def own(self) -> str:
        """Its own address: the canonical form of the URL it was fetched at."""
        return canonicalize(self.url)


class Addresses:
    """Who holds each address (URL or canonical URL) of a batch's articles: stored rows, then
    the batch's new articles as they are placed. ``given_back`` lists the stored rows of other
    outlets whose declared canonical URL must give way to their own address (row id, address)."""

    def __init__(self, holders: dict[str, list[_Holder]]) -> None:
        self.holders = holders
        self.given_back: list[tuple[int, str]] = []

    @classmethod
    def of(cls, session: Session, items: Iterable[Article]) -> Addresses:
        addresses = cls(defaultdict(list))
        forms = {form for item in items for form in (item.url, item.canonical_url) if form}
        addresses._add(_rows_at(session, forms))
        declared = {h.own for held in list(addresses.holders.values()) for h in held}
        addresses._add(_rows_at(session, declared - set(addresses.holders)))
        return addresses

    def _add(self, rows: Iterable[tuple[int, str, str, str]]) -> None:
        for row_id, url, canonical, outlet_id in rows:
            holder = _Holder(outlet_id, row_id, url, canonical)
            for form in dict.fromkeys((url, canonical)):
                if holder not in self.holders[form]:
                    self.holders[form].append(holder)

    def place(self, item: Article) -> Placement:
        """Whether ``item`` is new, its own outlet's stored article ("again"), or at an address
        another outlet fetched ("elsewhere"). Its canonical URL gives way to its own URL's when
        another outlet holds it; another outlet's row holding that only as a declared canonical
        URL gives it back. A new article's addresses are then held."""
        outlet_id = item.outlet_id
        if self._held_by(outlet_id, item.url, item.canonical_url):
            return "again"
        if self._others(outlet_id, item.canonical_url):
            item.canonical_url = canonicalize(item.url)
            if self._held_by(outlet_id, item.canonical_url):
                return "again"
        others = self._others(outlet_id, item.url, item.canonical_url)
        if any(h.row_id is None or h.url == item.url for h in others):
            return "elsewhere"
        taking = [h for h in others if h.canonical == item.canonical_url]
        if any(h.own == item.canonical_url for h in taking):
            return "elsewhere"
        if not all(self._give_back(holder) for holder in taking):
            return "elsewhere"
        own = _Holder(outlet_id, None, item.url, item.canonical_url or item.url)
        self._add_new(own)
        return "new"

    def _add_new(self, holder: _Holder) -> None:
        for form in dict.fromkeys((holder.url, holder.canonical)):
            self.holders[form].append(holder)

    def _held_by(self, outlet_id: str, *forms: str | None) -> bool:
        held = (h for form in forms for h in self.holders.get(form or "", ()))
        return any(h.outlet_id == outlet_id for h in held)

    def _others(self, outlet_id: str, *forms: str | None) -> list[_Holder]:
        found = [h for form in forms for h in self.holders.get(form or "", ())]
        return [h for h in dict.fromkeys(found) if h.outlet_id != outlet_id]

    def _give_back(self, holder: _Holder) -> bool:
        """Let a stored row take its own address as its canonical URL, if no other holds it."""
        assert holder.row_id is not None
        if any(other != holder for other in self.holders.get(holder.own, ())):
            return False
        for held in self.holders.values():
            if holder in held:
                held.remove(holder)
        self._add_new(_Holder(holder.outlet_id, holder.row_id, holder.url, holder.own))
        self.given_back.append((holder.row_id, holder.own))
        return True


def own_row(session: Session, item: Article) -> ArticleRow | None:
    """The stored row of ``item``'s outlet at its URL or canonical URL."""
    forms = [form for form in (item.url, item.canonical_url) if form]
    query = select(ArticleRow).where(
        ArticleRow.outlet_id == item.outlet_id,
        or_(ArticleRow.url.in_(forms), ArticleRow.canonical_url.in_(forms)),
    )
    rows = {row.url: row for row in session.scalars(query)}
    rows |= {row.canonical_url: row for row in rows.values()}
    return next((rows[form] for form in forms if form in rows), None)


def stored_urls(engine: Engine, urls: Iterable[str], outlet_id: str | None = None) -> set[str]:
    """Those of ``urls`` already stored: by ``outlet_id``, as fetched or as the same canonical
    URL; by any outlet, fetched at an address of the same canonical form (another outlet's
    declared canonical URL never counts)."""
    wanted = list(dict.fromkeys(urls))
    canonical_of = {url: canonicalize(url) for url in wanted}
    known: set[str] = set()
    with Session(engine) as session:
        forms = {*wanted, *canonical_of.values()}
        for _, url, canonical, owner in _rows_at(session, forms):
            known.update({url, canonical} if owner == outlet_id else {url, canonicalize(url)})
    return {url for url in wanted if url in known or canonical_of[url] in known}


def own_fetch_times(engine: Engine, urls: Iterable[str], outlet_id: str) -> dict[str, datetime]:
    """When ``outlet_id``'s stored article at each of ``urls`` (as fetched or as the same
    canonical URL) was last fetched; URLs it has not stored are absent."""
    wanted = list(dict.fromkeys(urls))
    canonical_of = {url: canonicalize(url) for url in wanted}
    fetched: dict[str, datetime] = {}
    with Session(engine) as session:
        forms = list({*wanted, *canonical_of.values()})
        for start in range(0, len(forms), LOOKUP_CHUNK):
            chunk = forms[start : start + LOOKUP_CHUNK]
            query = select(ArticleRow.url, ArticleRow.canonical_url, ArticleRow.fetched_at).where(
                ArticleRow.outlet_id == outlet_id,
                or_(ArticleRow.url.in_(chunk), ArticleRow.canonical_url.in_(chunk)),
            )
            for url, canonical, fetched_at in session.execute(query):
                fetched[url] = fetched[canonical] = fetched_at
    found = {url: fetched.get(url) or fetched.get(canonical_of[url]) for url in wanted}
    return {url: moment for url, moment in found.items() if moment is not None}


def mark_fetched(engine: Engine, outlet_id: str, url: str, at: datetime) -> None:
    """Record that ``outlet_id``'s stored article at ``url`` was found unchanged at ``at``: its
    latest fetch time moves there (never back)."""
    forms = list(dict.fromkeys((url, canonicalize(url))))
    with Session(engine) as session, session.begin():
        session.execute(
            update(ArticleRow)
            .where(ArticleRow.outlet_id == outlet_id, ArticleRow.fetched_at < at)
            .where(or_(ArticleRow.url.in_(forms), ArticleRow.canonical_url.in_(forms)))
            .values(fetched_at=at)
        )


def _rows_at(session: Session, forms: Iterable[str]) -> Iterable[tuple[int, str, str, str]]:
    """(id, url, canonical URL, outlet) of the stored rows at any of ``forms``."""
    listed = list(forms)
    for start in range(0, len(listed), LOOKUP_CHUNK):
        chunk = listed[start : start + LOOKUP_CHUNK]
        columns = (ArticleRow.id, ArticleRow.url, ArticleRow.canonical_url, ArticleRow.outlet_id)
        query = select(*columns).where(
            or_(ArticleRow.url.in_(chunk), ArticleRow.canonical_url.in_(chunk))
        )
        yield from session.execute(query)
