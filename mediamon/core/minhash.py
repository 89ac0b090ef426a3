"""A text's MinHash signature: the summary of its word shingles that near copies share.

Each text is cut into word shingles and summarised by a MinHash (the values datasketch's
"affine32" scheme gives). It is computed once per article, when the store batch starts, and
travels with the article (``Article.signature``) to duplicate detection and to the index of
``mediamon.store.near_duplicates``, which splits it into bands.
"""

from __future__ import annotations

import functools
import hashlib
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

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


@dataclass(frozen=True, eq=False)
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


def signature_of(text: str) -> TextSignature | None:
    """The text's signature; None when it is too short for near-duplicate detection."""
    found = shingles(text)
    if len(found) < MIN_SHINGLES:
        return None
    # crc32 is stable across processes (unlike hash()) and fast enough for every shingle.
    hashes = np.fromiter(map(zlib.crc32, found), dtype=np.uint32, count=len(found))
    return TextSignature(minhash(hashes), len(found))


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
