"""Duplicates: which first-seen article a new article's text copies, exactly or nearly.

Copies are stored, not dropped: ``duplicate_of`` points at the first-seen article (never at
another copy), so syndicated wire copies still show which outlets ran them. Exact copies are
found by a hash of the normalised text, near copies (trimmed, re-headlined, with different
boilerplate) by MinHash LSH over every outlet's stored articles
(``mediamon.store.near_duplicates``).
The store pipeline looks up a whole batch of new articles at once, against the database and
against the earlier articles of the same batch (see ``find_originals``).
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mediamon.core.article import Article
from mediamon.core.minhash import TextSignature, signature_of
from mediamon.core.models import ArticleRow
from mediamon.extract.appeals import classify
from mediamon.store.near_duplicates import find_copies_of

NON_WORD = re.compile(r"\W+")
MIN_HASHED_CHARS = 200
How = Literal["exact", "near"]


def content_hash(text: str) -> str | None:
    """A hash of the text with case, punctuation and spacing folded; None for very short texts."""
    normalised = NON_WORD.sub(" ", text.casefold()).strip()
    if len(normalised) < MIN_HASHED_CHARS:
        return None
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def copy_signature(text: str) -> TextSignature | None:
    """The signature near copies are found by: of the text without the paragraphs any outlet
    could end an article with (appeals, newsletter prompts, copyright and legal notices), so
    that two articles sharing only those are not copies; None when too little is left."""
    content = [paragraph for paragraph in text.splitlines() if classify(paragraph) is None]
    return signature_of("\n".join(content))


@dataclass(frozen=True)
class Original:
    """What an article copies: a stored article (``article_id``) or an earlier article of the
    same batch (``position``), and how (``exact`` or ``near``)."""

    how: How
    article_id: int | None = None
    position: int | None = None


def find_originals(
    session: Session, items: Sequence[Article], exclude: Sequence[int] = ()
) -> list[Original | None]:
    """For articles in arrival order, what each copies, as if they were stored one by one:
    a stored article or an earlier one of ``items``; exact copies before near ones, and among
    near ones the closest (stored articles first when equally close). ``exclude``: stored
    articles not to compare with (a changed article's own row). Reads each article's
    ``content_hash`` and ``signature`` (see ``save_articles``)."""
    hashes = {item.content_hash for item in items if item.content_hash is not None}
    stored_exact = _first_by_hash(session, hashes, exclude)
    signatures = [item.signature for item in items]
    stored_near = _stored_near_copies(session, signatures, exclude)
    batch = _Batch()
    originals: list[Original | None] = []
    for position, item in enumerate(items):
        found = _exact(stored_exact, batch, item.content_hash, originals)
        if found is None:
            found = _near(stored_near[position], batch, signatures[position], originals)
        originals.append(found)
        batch.add(position, item.content_hash, signatures[position])
    return originals


class _Batch:
    """The earlier articles of a batch, by text hash and by band key."""

    def __init__(self) -> None:
        self.by_hash: dict[str, int] = {}
        self.by_band: dict[int, list[int]] = defaultdict(list)
        self.signatures: dict[int, TextSignature] = {}

    def add(self, position: int, text_hash: str | None, signature: TextSignature | None) -> None:
        if text_hash is not None:
            self.by_hash.setdefault(text_hash, position)
        if signature is not None:
            self.signatures[position] = signature
            for key in set(signature.band_keys):
                self.by_band[key].append(position)

    def near_copies(self, signature: TextSignature) -> list[tuple[int, float]]:
        candidates = sorted({p for key in signature.band_keys for p in self.by_band.get(key, ())})
        copied = signature.copied([self.signatures[p] for p in candidates])
        return [(candidates[at], score) for at, score in copied]


def _exact(
    stored: dict[str, int], batch: _Batch, text_hash: str | None, earlier: list[Original | None]
) -> Original | None:
    if text_hash is None:
        return None
    if text_hash in stored:
        return Original("exact", article_id=stored[text_hash])
    if text_hash in batch.by_hash:
        return _root_of(batch.by_hash[text_hash], earlier, "exact")
    return None


def _near(
    stored: list[tuple[int, float]],
    batch: _Batch,
    signature: TextSignature | None,
    earlier: list[Original | None],
) -> Original | None:
    in_batch = batch.near_copies(signature) if signature is not None else []
    best_stored = stored[0] if stored else None
    best_batch = max(in_batch, key=lambda match: (match[1], -match[0]), default=None)
    if best_batch is not None and (best_stored is None or best_batch[1] > best_stored[1]):
        return _root_of(best_batch[0], earlier, "near")
    return None if best_stored is None else Original("near", article_id=best_stored[0])


def _root_of(position: int, earlier: list[Original | None], how: How) -> Original:
    """An earlier article of the batch, or what it copies itself."""
    copied = earlier[position]
    if copied is None:
        return Original(how, position=position)
    return Original(how, article_id=copied.article_id, position=copied.position)


def _stored_near_copies(
    session: Session, signatures: list[TextSignature | None], exclude: Sequence[int]
) -> list[list[tuple[int, float]]]:
    """For each signature, its best stored near copy (resolved to the first-seen article)."""
    present = [s for s in signatures if s is not None]
    found = iter(find_copies_of(session, present, exclude))
    best: list[list[tuple[int, float]]] = []
    for signature in signatures:
        copies = next(found) if signature is not None else []
        best.append([(first_seen(session, copies[0][0]), copies[0][1])] if copies else [])
    return best


def _first_by_hash(
    session: Session, hashes: set[str], exclude: Sequence[int] = ()
) -> dict[str, int]:
    """For each text hash stored, the first-seen article with that text."""
    if not hashes:
        return {}
    query = (
        select(ArticleRow.content_hash, func.min(ArticleRow.id))
        .where(ArticleRow.content_hash.in_(hashes), ArticleRow.id.not_in(exclude))
        .group_by(ArticleRow.content_hash)
    )
    return {str(text_hash): first_seen(session, i) for text_hash, i in session.execute(query)}


def first_seen(session: Session, article_id: int) -> int:
    """The article a copy ultimately copies (itself when it is an original)."""
    seen = {article_id}
    current = session.get(ArticleRow, article_id)
    while current is not None and current.duplicate_of is not None:
        if current.duplicate_of in seen:
            break
        seen.add(current.duplicate_of)
        current = session.get(ArticleRow, current.duplicate_of)
    return current.id if current is not None else article_id
