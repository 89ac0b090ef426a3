"""Near-duplicate texts across all outlets: MinHash signatures and LSH bands kept in the database.

Each stored article's text is cut into word shingles and summarised by a datasketch MinHash.
The signature is split into bands; every band is hashed into one 64-bit key and stored in an
indexed table, so finding candidates for a new text is a few index lookups whatever the size of
the archive, and works across runs and processes. Candidates are then verified on their
signatures: a copy is an article whose estimated resemblance (Jaccard) or containment (for a
trimmed copy, or one padded with another outlet's boilerplate) is high enough.
"""

from __future__ import annotations

import functools
import hashlib
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from mediamon.db import MinHashBand, MinHashSignature
from pipelines.text_analysis import tokenize

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

    def band_keys(self) -> list[int]:
        """One signed 64-bit key per band, also encoding the band's number."""
        keys = []
        for band in range(BANDS):
            rows = self.values[band * ROWS_PER_BAND : (band + 1) * ROWS_PER_BAND]
            digest = hashlib.blake2b(
                rows.astype("<u4").tobytes(), digest_size=8, salt=bytes([band])
            )
            keys.append(int.from_bytes(digest.digest(), "little", signed=True))
        return keys

    def resemblance(self, other: TextSignature) -> float:
        """Estimated Jaccard similarity of the two texts' shingle sets."""
        return float(np.mean(self.values == other.values))

    def containment(self, other: TextSignature) -> float:
        """Estimated share of the smaller shingle set found in the larger one."""
        jaccard = self.resemblance(other)
        shared = jaccard * (self.shingles + other.shingles) / (1 + jaccard)
        return min(1.0, shared / max(1, min(self.shingles, other.shingles)))

    def is_copy_of(self, other: TextSignature) -> bool:
        if self.resemblance(other) >= MIN_RESEMBLANCE:
            return True
        return self.containment(other) >= MIN_CONTAINMENT


def _hash_shingle(shingle: bytes) -> int:
    # crc32 is stable across processes (unlike hash()) and fast enough for every shingle.
    return zlib.crc32(shingle)


def shingles(text: str) -> set[bytes]:
    words = tokenize(text)
    width = min(SHINGLE_WORDS, len(words))
    return {" ".join(words[i : i + width]).encode() for i in range(len(words) - width + 1)}


# Dedup and store both need the signature of the same text; items in flight between them are
# bounded by Scrapy's CONCURRENT_ITEMS (100), so this many recent texts cover them.
@functools.lru_cache(maxsize=256)
def signature_of(text: str) -> TextSignature | None:
    """The text's signature; None when it is too short for near-duplicate detection."""
    found = shingles(text)
    if len(found) < MIN_SHINGLES:
        return None
    # datasketch imports scipy (a third of a second); only a crawl that stores text needs it.
    from datasketch import MinHash

    minhash = MinHash(num_perm=NUM_PERM, seed=SEED, hashfunc=_hash_shingle)
    minhash.update_batch(list(found))
    values = minhash.hashvalues
    values.setflags(write=False)  # cached and shared between callers
    return TextSignature(values, len(found))


def index_signature(session: Session, article_id: int, signature: TextSignature) -> None:
    """Store an article's signature and band keys (replacing any it had)."""
    forget_signature(session, article_id)
    session.execute(
        insert(MinHashSignature),
        [
            {
                "article_id": article_id,
                "signature": signature.to_bytes(),
                "shingles": signature.shingles,
            }
        ],
    )
    bands = [{"band_key": key, "article_id": article_id} for key in set(signature.band_keys())]
    session.execute(insert(MinHashBand), bands)


def forget_signature(session: Session, article_id: int) -> None:
    stored = session.get(MinHashSignature, article_id)
    if stored is None:
        return
    old = TextSignature.from_bytes(stored.signature, stored.shingles)
    keys = list(set(old.band_keys()))
    session.execute(
        delete(MinHashBand).where(
            MinHashBand.article_id == article_id, MinHashBand.band_key.in_(keys)
        )
    )
    session.delete(stored)
    session.flush()


def candidate_ids(session: Session, signature: TextSignature) -> set[int]:
    """Articles sharing at least one band with ``signature``."""
    query = select(MinHashBand.article_id).where(MinHashBand.band_key.in_(signature.band_keys()))
    return set(session.scalars(query.distinct()))


def find_copies(
    session: Session, signature: TextSignature, exclude: Iterable[int] = ()
) -> list[tuple[int, float]]:
    """Stored articles whose text ``signature`` copies, best match first, with resemblance."""
    candidates = sorted(candidate_ids(session, signature) - set(exclude))
    found = []
    for stored_id, stored in _signatures(session, candidates):
        if signature.is_copy_of(stored):
            found.append((stored_id, signature.resemblance(stored)))
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
