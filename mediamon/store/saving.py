"""Saving articles: one transaction per batch, one row per article of an outlet.

One article per canonical URL (see ``mediamon.extract.canonical``), matched within its own outlet
only (see ``mediamon.store.addresses``). Storing the same article again with the same title and
text changes nothing but its latest fetch time; with a changed title or text, the stored ones
become a version in ``article_versions`` and the row takes the new ones (see
``mediamon.store.versions``). New articles are checked for copies (``mediamon.store.dedup``)
against the database and the earlier articles of their batch, then inserted with their topics
and near-duplicate signatures in a few statements.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Engine, delete, insert, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mediamon.core.article import Article
from mediamon.core.models import ArticleRow, ArticleTopic, compress_html, table_of
from mediamon.core.textclean import clean_title
from mediamon.extract.canonical import canonicalize
from mediamon.extract.date_sources import hint_source
from mediamon.extract.dates import utc_offset_minutes
from mediamon.store.addresses import Addresses, own_row
from mediamon.store.dedup import Original, content_hash, copy_signature, find_originals
from mediamon.store.near_duplicates import index_signature, index_signatures
from mediamon.store.versions import keep_current_as_version

Outcome = Literal["new", "version", "unchanged", "elsewhere"]


@dataclass(frozen=True)
class Saved:
    """What storing did: ``id`` of the article (None if a concurrent insert won the race, or
    "elsewhere": its URL is another outlet's stored article), and ``copied`` ("exact", "near"
    or "") when its text copies another article's."""

    id: int | None
    outcome: Outcome
    copied: str = ""


def store_article(engine: Engine, item: Article) -> int | None:
    """Store ``item`` as it is, its ``duplicate_of`` included (no search for copies); return its
    new id, or None when its URL was already stored (by its outlet, or by another).

    A stored article whose text changed keeps its old text as a version (see ``save_articles``).
    """
    saved = save_articles(engine, [item], find_copies=False)[0]
    return saved.id if saved.outcome == "new" else None


def save_articles(
    engine: Engine, items: Sequence[Article], *, find_copies: bool = True
) -> list[Saved]:
    """Insert each article, or, when its outlet stored its URL with another text, append a
    version; in arrival order, in one transaction. Each article's text hash and signature are
    computed here, once, unless it carries them already."""
    for item in items:
        item.canonical_url = canonicalize(item.canonical_url or item.url)
        item.content_hash = item.content_hash or content_hash(item.text)
        if item.signature is None:
            item.signature = copy_signature(item.text)
    try:
        with Session(engine) as session, session.begin():
            return _save_batch(session, items, find_copies)
    except IntegrityError:
        if len(items) == 1:  # another process stored the same URL between our check and insert
            return [Saved(None, "unchanged")]
        return [save_articles(engine, [item], find_copies=find_copies)[0] for item in items]


def _save_batch(session: Session, items: Sequence[Article], find_copies: bool) -> list[Saved]:
    addresses = Addresses.of(session, items)
    placements = [addresses.place(item) for item in items]
    if addresses.given_back:
        update_rows = [{"id": i, "canonical_url": own} for i, own in addresses.given_back]
        session.execute(update(ArticleRow), update_rows)
    new = [position for position, placed in enumerate(placements) if placed == "new"]
    saved: dict[int, Saved] = dict(
        zip(new, _insert_new(session, [items[p] for p in new], find_copies), strict=True)
    )
    for position, item in enumerate(items):
        if placements[position] == "elsewhere":
            saved[position] = Saved(None, "elsewhere")
        elif position not in saved:
            saved[position] = _save_again(session, item, find_copies)
    return [saved[position] for position in range(len(items))]


def _save_again(session: Session, item: Article, find_copies: bool) -> Saved:
    """An article its outlet has stored: unchanged (only its latest fetch time moves), or a
    new version of it (its title or its text changed)."""
    row = own_row(session, item)
    assert row is not None
    if _same_text(row, item) and _same_title(row, item):
        item.duplicate_of = row.duplicate_of
        if item.fetched_at > row.fetched_at:
            row.fetched_at = item.fetched_at
        return Saved(row.id, "unchanged")
    how = ""
    if find_copies:
        original = find_originals(session, [item], exclude=[row.id])[0]
        item.duplicate_of, how = (original.article_id, original.how) if original else (None, "")
    _replace_text(session, row, item)
    return Saved(row.id, "version", how)


def _insert_new(session: Session, items: Sequence[Article], find_copies: bool) -> list[Saved]:
    if not items:
        return []
    originals: list[Original | None] = [None] * len(items)
    if find_copies:
        originals = find_originals(session, items)
    for item, original in zip(items, originals, strict=True):
        if original is not None:  # else keep what the caller knew (None from a crawl)
            item.duplicate_of = original.article_id
    articles = table_of(ArticleRow)
    ids = list(
        session.connection().scalars(
            insert(articles).returning(articles.c.id, sort_by_parameter_order=True),
            [_row_values(item) for item in items],
        )
    )
    _point_at_batch_originals(session, items, originals, ids)
    topics = [
        {"article_id": i, "topic_id": topic}
        for i, item in zip(ids, items, strict=True)
        for topic in item.topics
    ]
    if topics:
        session.connection().execute(insert(table_of(ArticleTopic)), topics)
    signed = [(i, item.signature) for i, item in zip(ids, items, strict=True)]
    index_signatures(session, [(i, s) for i, s in signed if s is not None])
    return [
        Saved(i, "new", original.how if original else "")
        for i, original in zip(ids, originals, strict=True)
    ]


def _point_at_batch_originals(
    session: Session, items: Sequence[Article], originals: list[Original | None], ids: list[int]
) -> None:
    """Copies of articles of the same batch learn their original's id once it is inserted."""
    updates = []
    for item, original, own_id in zip(items, originals, ids, strict=True):
        if original is not None and original.position is not None:
            item.duplicate_of = ids[original.position]
            updates.append({"id": own_id, "duplicate_of": item.duplicate_of})
    if updates:
        session.execute(update(ArticleRow), updates)


def _same_text(row: ArticleRow, item: Article) -> bool:
    if row.content_hash is not None and item.content_hash is not None:
        return row.content_hash == item.content_hash
    return row.text == item.text


def _same_title(row: ArticleRow, item: Article) -> bool:
    return (row.title or None) == _title_of(item)


def _title_of(item: Article) -> str | None:
    return item.title or clean_title(item.hint_title)


def _replace_text(session: Session, row: ArticleRow, item: Article) -> None:
    keep_current_as_version(session, row)
    for name, value in _row_values(item, row).items():
        setattr(row, name, value)
    session.execute(delete(ArticleTopic).where(ArticleTopic.article_id == row.id))
    session.flush()
    session.add_all(ArticleTopic(article_id=row.id, topic_id=t) for t in item.topics)
    if item.signature is not None:
        index_signature(session, row.id, item.signature)


def _row_values(item: Article, row: ArticleRow | None = None) -> dict[str, Any]:
    """The columns of an article row; a stored row keeps its URLs and its first original."""
    published = item.trusted_published
    listed_by = hint_source(item.hint_source) if published is not None else None
    values: dict[str, Any] = {
        "title": _title_of(item),
        "authors": item.authors,
        "published_at": published,
        "published_source": item.published_source if item.published_at else listed_by,
        "published_utc_offset": utc_offset_minutes(published),
        "updated_at": item.updated_at,
        "updated_source": item.updated_source,
        "rejected_dates": item.rejected_dates,
        "fetched_at": item.fetched_at,
        "language": item.language,
        "text": item.text,
        "raw_html": compress_html(item.html),
        "encoding": item.encoding,
        "removed": item.removed,
        "is_teaser": item.is_teaser,
        "content_hash": item.content_hash,
        "source_url": item.source_url,
    }
    if row is None:
        return values | {
            "url": item.url,
            "canonical_url": item.canonical_url,
            "outlet_id": item.outlet_id,
            "duplicate_of": item.duplicate_of,
            "first_seen_at": item.fetched_at,
        }
    if row.duplicate_of is None and item.duplicate_of != row.id:
        values["duplicate_of"] = item.duplicate_of
    return values
