"""Which stored article an article is: matched by address, within its own outlet only.

``articles.url`` and ``articles.canonical_url`` are each unique over all outlets, but an article
is only ever matched to a stored row of its own outlet: a page of one outlet that names another
outlet's article as its canonical URL must never replace that article's title and text, nor make
its address look stored. Sameness across outlets is the dedup stage's business: a syndicated copy
is stored as a row of its own outlet, ``duplicate_of`` the original.

Outlets may share a domain (an outlet's editions in two languages): an address another outlet's
row holds is not taken over. A canonical URL another outlet holds gives way to the article's own
URL; a URL another outlet fetched is that outlet's article, not stored again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Literal

from sqlalchemy import Engine, or_, select
from sqlalchemy.orm import Session

from mediamon.db import ArticleRow
from pipelines.canonical import canonicalize
from scrapers.items import Article

LOOKUP_CHUNK = 500
Placement = Literal["new", "again", "elsewhere"]


class Addresses:
    """The outlets holding each address (URL or canonical URL) of a batch's articles: stored
    rows, then the batch's new articles as they are placed."""

    def __init__(self, owners: dict[str, set[str]]) -> None:
        self.owners = owners

    @classmethod
    def of(cls, session: Session, items: Iterable[Article]) -> Addresses:
        owners: dict[str, set[str]] = defaultdict(set)
        forms = {form for item in items for form in (item.url, item.canonical_url) if form}
        for url, canonical, outlet_id in _rows_at(session, forms):
            owners[url].add(outlet_id)
            owners[canonical].add(outlet_id)
        return cls(owners)

    def place(self, item: Article) -> Placement:
        """Whether ``item`` is new, its own outlet's stored article ("again"), or at an address
        another outlet's article holds ("elsewhere"). A new article's canonical URL is its own
        URL's when another outlet holds it; its addresses are then held for the batch's next."""
        if self._held_by(item.outlet_id, item.url, item.canonical_url):
            return "again"
        if self._held_by_other(item.outlet_id, item.canonical_url):
            item.canonical_url = canonicalize(item.url)
            if self._held_by(item.outlet_id, item.canonical_url):
                return "again"
        if self._held_by_other(item.outlet_id, item.url, item.canonical_url):
            return "elsewhere"
        for form in (item.url, item.canonical_url):
            if form:
                self.owners[form].add(item.outlet_id)
        return "new"

    def _held_by(self, outlet_id: str, *forms: str | None) -> bool:
        return any(outlet_id in self.owners.get(form or "", ()) for form in forms)

    def _held_by_other(self, outlet_id: str, *forms: str | None) -> bool:
        return any(self.owners.get(form or "", set()) - {outlet_id} for form in forms)


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
        for url, canonical, owner in _rows_at(session, forms):
            known.update({url, canonical} if owner == outlet_id else {url, canonicalize(url)})
    return {url for url in wanted if url in known or canonical_of[url] in known}


def _rows_at(session: Session, forms: Iterable[str]) -> Iterable[tuple[str, str, str]]:
    """(url, canonical URL, outlet) of the stored rows at any of ``forms``."""
    listed = list(forms)
    for start in range(0, len(listed), LOOKUP_CHUNK):
        chunk = listed[start : start + LOOKUP_CHUNK]
        query = select(ArticleRow.url, ArticleRow.canonical_url, ArticleRow.outlet_id).where(
            or_(ArticleRow.url.in_(chunk), ArticleRow.canonical_url.in_(chunk))
        )
        yield from session.execute(query)
