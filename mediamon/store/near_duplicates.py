"""Near-duplicate texts across all outlets: MinHash signatures and LSH bands kept in the database.

Each stored article's signature (``mediamon.core.minhash``, carried by the article as
``Article.signature``) is split into bands; every band is hashed into one 64-bit key and stored
in an indexed table, so finding candidates for a new text is a few index lookups whatever the
size of the archive, and works across runs and processes.
Candidates are then verified on their signatures: a copy is an article whose estimated
resemblance (Jaccard) or containment (for a trimmed copy, or one padded with another outlet's
boilerplate) is high enough.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from mediamon.core.minhash import TextSignature
from mediamon.core.models import MinHashBand, MinHashSignature, table_of

CANDIDATE_CHUNK = 500
# Verified per new text, at most: true copies share the most bands, so they rank first.
MAX_CANDIDATES = 100


def index_signature(session: Session, article_id: int, signature: TextSignature) -> None:
    """Store an article's signature and band keys (replacing any it had)."""
    forget_signature(session, article_id)
    index_signatures(session, [(article_id, signature)])


def index_signatures(session: Session, signed: Sequence[tuple[int, TextSignature]]) -> None:
    """Store the signatures and band keys of new articles (which have none yet)."""
    if not signed:
        return
    connection = session.connection()
    connection.execute(
        insert(table_of(MinHashSignature)),
        [
            {"article_id": i, "signature": signature.to_bytes(), "shingles": signature.shingles}
            for i, signature in signed
        ],
    )
    bands = [
        {"band_key": key, "article_id": i}
        for i, signature in signed
        for key in set(signature.band_keys)
    ]
    connection.execute(insert(table_of(MinHashBand)), bands)


def forget_signature(session: Session, article_id: int) -> None:
    stored = session.get(MinHashSignature, article_id)
    if stored is None:
        return
    old = TextSignature.from_bytes(stored.signature, stored.shingles)
    keys = list(set(old.band_keys))
    session.execute(
        delete(MinHashBand).where(
            MinHashBand.article_id == article_id, MinHashBand.band_key.in_(keys)
        )
    )
    session.delete(stored)
    session.flush()


def candidate_ids(session: Session, signatures: Sequence[TextSignature]) -> list[list[int]]:
    """For each signature, the stored articles sharing a band with it: those sharing most first,
    at most ``MAX_CANDIDATES`` (a text full of common phrases shares a band with many)."""
    postings: dict[int, list[int]] = defaultdict(list)
    keys = sorted({key for signature in signatures for key in signature.band_keys})
    for start in range(0, len(keys), CANDIDATE_CHUNK):
        query = select(MinHashBand.band_key, MinHashBand.article_id).where(
            MinHashBand.band_key.in_(keys[start : start + CANDIDATE_CHUNK])
        )
        for key, article_id in session.execute(query):
            postings[key].append(article_id)
    return [_most_shared(postings, signature) for signature in signatures]


def _most_shared(postings: dict[int, list[int]], signature: TextSignature) -> list[int]:
    shared = Counter(i for key in set(signature.band_keys) for i in postings.get(key, ()))
    ranked = sorted(shared.items(), key=lambda pair: (-pair[1], pair[0]))
    return [article_id for article_id, _ in ranked[:MAX_CANDIDATES]]


def find_copies(
    session: Session, signature: TextSignature, exclude: Iterable[int] = ()
) -> list[tuple[int, float]]:
    """Stored articles whose text ``signature`` copies, best match first, with resemblance."""
    return find_copies_of(session, [signature], exclude)[0]


def find_copies_of(
    session: Session, signatures: Sequence[TextSignature], exclude: Iterable[int] = ()
) -> list[list[tuple[int, float]]]:
    """``find_copies`` for several signatures at once, in a fixed number of queries."""
    excluded = set(exclude)
    candidates = [
        [i for i in found if i not in excluded] for found in candidate_ids(session, signatures)
    ]
    stored = dict(_signatures(session, sorted({i for found in candidates for i in found})))
    return [
        _copies(signature, found, stored)
        for signature, found in zip(signatures, candidates, strict=True)
    ]


def _copies(
    signature: TextSignature, candidates: list[int], stored: dict[int, TextSignature]
) -> list[tuple[int, float]]:
    ids = [i for i in candidates if i in stored]
    found = [(ids[at], score) for at, score in signature.copied([stored[i] for i in ids])]
    return sorted(found, key=lambda match: (-match[1], match[0]))


def _signatures(session: Session, ids: Sequence[int]) -> Iterable[tuple[int, TextSignature]]:
    for start in range(0, len(ids), CANDIDATE_CHUNK):
        chunk = ids[start : start + CANDIDATE_CHUNK]
        rows = session.execute(
            select(
                MinHashSignature.article_id, MinHashSignature.signature, MinHashSignature.shingles
            ).where(MinHashSignature.article_id.in_(chunk))
        )
        for article_id, blob, count in rows:
            yield article_id, TextSignature.from_bytes(blob, count)
