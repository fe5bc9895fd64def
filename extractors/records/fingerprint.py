"""A document's text fingerprint: a MinHash signature of its word shingles.

Two copies of one plan (the portal's HTML, the signed PDF, its scan, the draft) share most of
their word sequences, whatever the format, the layout or a scan's misread words; two different
plans, even of one issuer on one template, share far fewer. The fraction of signature values two
documents have in common estimates the Jaccard similarity of their shingle sets, which is what
pipeline/plans.py uses to put an unnumbered draft with the plan it is a copy of.

The signature is computed once, at extraction (documents.text_minhash), from the folded text
(no marks, đ -> d, lower case), so it is the same whatever tone-mark style or case the copy uses.
"""
from __future__ import annotations

import hashlib
import re
import zlib

import numpy as np

from ..normalize import fold

SHINGLE_WORDS = 3  # word 3-grams: short enough that one misread word breaks only three of them
SIGNATURE_SIZE = 128
_PRIME = (1 << 31) - 1  # hashes and coefficients below 2^31: a * x + b stays within uint64
_SLICE = 8192  # shingles hashed at once: SIGNATURE_SIZE x _SLICE values, 8 MiB
_WORD = re.compile(r"[a-z0-9]+")


def _coefficients() -> tuple[np.ndarray, np.ndarray]:
    """Fixed pseudo-random (a, b) pairs, drawn from a digest so that every run and machine agrees."""
    seed = hashlib.sha256(b"vnplan text_minhash v1").digest()
    rng = np.random.Generator(np.random.PCG64(int.from_bytes(seed[:8], "big")))
    a = rng.integers(1, _PRIME, SIGNATURE_SIZE, dtype=np.uint64)
    b = rng.integers(0, _PRIME, SIGNATURE_SIZE, dtype=np.uint64)
    return a, b


_A, _B = _coefficients()
_POSITION_WEIGHTS = (np.uint64(1), np.uint64(1_000_003), np.uint64(998_244_353))  # a shingle's words, in order


def shingle_hashes(text: str) -> np.ndarray:
    """One hash below _PRIME per distinct shingle of the text: each distinct word hashed once (CRC-32),
    the words of a shingle combined by position in numpy, so a long document costs little more than
    a pass over its words, and its memory grows with its number of words, not with their length."""
    crc: dict[str, int] = {}

    def word_hash(word: str) -> int:
        h = crc.get(word)
        if h is None:
            h = crc[word] = zlib.crc32(word.encode())
        return h

    h = np.fromiter((word_hash(m.group()) for m in _WORD.finditer(fold(text))), dtype=np.uint64)
    if not h.size:
        return np.zeros(0, dtype=np.uint64)
    n = max(h.size - SHINGLE_WORDS + 1, 1)
    combined = np.zeros(n, dtype=np.uint64)
    for i, weight in enumerate(_POSITION_WEIGHTS[:min(SHINGLE_WORDS, h.size)]):
        combined = (combined + h[i:i + n] * weight) % _PRIME  # h < 2^32, weight < 2^31: no overflow
    return np.unique(combined)


def text_minhash(text: str) -> list[int]:
    """The MinHash signature of the text's word shingles; empty for a text without words. The
    shingles are hashed by all the signature's functions a slice at a time, so that a long
    document's (millions of distinct shingles) needs no more memory than a short one's."""
    x = shingle_hashes(text)
    if not x.size:
        return []
    signature = np.full(SIGNATURE_SIZE, _PRIME, dtype=np.uint64)
    for start in range(0, x.size, _SLICE):
        part = x[start:start + _SLICE]
        signature = np.minimum(signature, ((np.outer(_A, part) + _B[:, None]) % _PRIME).min(axis=1))
    return signature.astype(int).tolist()


def similarity(a: list[int] | None, b: list[int] | None) -> float:
    """Estimated Jaccard similarity of the two texts' shingle sets (0 when either has none)."""
    if not a or not b or len(a) != len(b):
        return 0.0
    return sum(x == y for x, y in zip(a, b)) / len(a)
