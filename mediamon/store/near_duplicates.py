"""Near-duplicate texts across all outlets: MinHash signatures and LSH bands kept in the database.

Each stored article's text is cut into word shingles and summarised by a MinHash (the values
datasketch's "affine32" scheme gives). The signature is split into bands; every band is hashed
into one 64-bit key and stored in an indexed table, so finding candidates for a new text is a
few index lookups whatever the size of the archive, and works across runs and processes.
Candidates are then verified on their signatures: a copy is an article whose estimated
resemblance (Jaccard) or containment (for a trimmed copy, or one padded with another outlet's
boilerplate) is high enough.
"""

from __future__ import annotations

import functools
import hashlib
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from mediamon.core.db import MinHashBand, MinHashSignature, table_of
from mediamon.query.text_analysis import tokenize

SHINGLE_WORDS = 3
# 40 bands of 3 rows: a pair with Jaccard 0.4 shares a band with probability 0.93, at 0.5 with
# 0.995, at 0.1 with 0.04 (and is then rejected by verification).
BANDS = 40
ROWS_PER_BAND = 3
NUM_PERM = BANDS * ROWS_PER_BAND
SEED = 1
MIN_SHINGLES = 8
MIN_RESEMBLANCE = 0.6
MIN_CONTAINMENT = 0.75
CANDIDATE_CHUNK = 500
# Verified per new text, at most: true copies share the most bands, so they rank first.
MAX_CANDIDATES = 100


@dataclass(frozen=True)
class TextSignature:
    """A text's MinHash values and its number of distinct shingles."""

    values: np.ndarray
    shingles: int

    def to_bytes(self) -> bytes:
        return self.values.astype("<u4").tobytes()

    @classmethod
    def from_bytes(cls, blob: bytes, shingles: int) -> TextSignature:
        return cls(np.frombuffer(blob, dtype="<u4").astype(np.uint64), shingles)

    @functools.cached_property
    def band_keys(self) -> tuple[int, ...]:
        """One signed 64-bit key per band, also encoding the band's number."""
        raw = self.to_bytes()
        width = ROWS_PER_BAND * 4
        return tuple(
            int.from_bytes(
                hashlib.blake2b(
                    raw[band * width : (band + 1) * width], digest_size=8, salt=bytes([band])
                ).digest(),
                "little",
                signed=True,
            )
            for band in range(BANDS)
        )

    def copied(self, others: Sequence[TextSignature]) -> list[tuple[int, float]]:
        """Positions in ``others`` of the texts this one copies, with their resemblance.

        A copy has a high estimated resemblance (Jaccard), or a high containment: the share of
        the smaller shingle set found in the larger one (a trimmed copy, or one padded with
        another outlet's boilerplate).
        """
        if not others:
            return []
        jaccard = (np.stack([o.values for o in others]) == self.values).mean(axis=1)
        sizes = np.array([o.shingles for o in others], dtype=np.float64)
        shared = jaccard * (self.shingles + sizes) / (1 + jaccard)
        containment = np.minimum(1.0, shared / np.maximum(1, np.minimum(self.shingles, sizes)))
        found = (jaccard >= MIN_RESEMBLANCE) | (containment >= MIN_CONTAINMENT)
        return [(int(i), float(jaccard[i])) for i in np.flatnonzero(found)]


def shingles(text: str) -> set[bytes]:
    words = tokenize(text)
    width = min(SHINGLE_WORDS, len(words))
    return {" ".join(words[i : i + width]).encode() for i in range(len(words) - width + 1)}


# A store batch (at most 64 articles) needs each text's signature twice, for finding copies and
# for indexing, so this many recent texts cover it.
@functools.lru_cache(maxsize=256)
def signature_of(text: str) -> TextSignature | None:
    """The text's signature; None when it is too short for near-duplicate detection."""
    found = shingles(text)
    if len(found) < MIN_SHINGLES:
        return None
    # crc32 is stable across processes (unlike hash()) and fast enough for every shingle.
    hashes = np.fromiter(map(zlib.crc32, found), dtype=np.uint32, count=len(found))
    values = minhash(hashes)
    values.setflags(write=False)  # cached and shared between callers
    return TextSignature(values, len(found))


def minhash(hashes: np.ndarray) -> np.ndarray:
    """The MinHash values of a set of 32-bit hashes: datasketch's "affine32" scheme (MurmurHash3's
    finaliser, then ``a * h + b`` modulo 2^32 for each permutation), without importing datasketch
    and, through it, scipy."""
    a, b = _permutations()
    mixed = _fmix32(hashes.astype(np.uint32))
    with np.errstate(over="ignore"):
        return (mixed[:, np.newaxis] * a + b).min(axis=0)


def _fmix32(values: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        values = values ^ (values >> np.uint32(16))
        values = values * np.uint32(0x85EBCA6B)
        values = values ^ (values >> np.uint32(13))
        values = values * np.uint32(0xC2B2AE35)
        return values ^ (values >> np.uint32(16))


@functools.cache
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    # Drawn as datasketch draws them, so signatures are the same as its MinHash(seed=SEED)'s.
    generator = np.random.RandomState(SEED)
    a = generator.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = generator.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32)
    return a, b


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
