"""Packed postings and the BM25 arithmetic over them, with NumPy.

A term's postings are three little-endian uint32 arrays stored as bytes in its `Term` row:
document ids (sorted, unique), weighted term frequencies, and each document's length. Packing
one row per term makes a query read a handful of rows however common its words are, and lets
NumPy intersect and score thousands of postings in microseconds (docs/adr/0006-search.md).

BM25 (Robertson–Spärck Jones, Lucene's variant of the IDF):
    score(d) = Σ_t idf(t) · tf·(k1 + 1) / (tf + k1·(1 − b + b·len(d)/avglen))
    idf(t)   = ln(1 + (N − df + 0.5) / (df + 0.5))
k1 = 1.2 (how fast repeating a term stops adding to the score) and b = 0.75 (how much a long
document is discounted), the usual defaults.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

K1 = 1.2
B = 0.75
DTYPE = np.dtype("<u4")
MAX_ID = int(np.iinfo(DTYPE).max)

IdArray = npt.NDArray[np.uint32]
ScoreArray = npt.NDArray[np.float64]


def pack(values: npt.ArrayLike) -> bytes:
    array = np.asarray(values, dtype=np.int64)
    if array.size and (array.min() < 0 or array.max() > MAX_ID):
        raise OverflowError("search index values must fit in an unsigned 32-bit integer")
    return array.astype(DTYPE).tobytes()


def unpack(data: bytes | memoryview | None) -> IdArray:
    return np.frombuffer(data or b"", dtype=DTYPE)


@dataclass(frozen=True)
class Postings:
    """A text term's postings, decoded (read-only views of the stored bytes)."""

    documents: IdArray
    frequencies: IdArray
    lengths: IdArray

    @classmethod
    def decode(
        cls,
        documents: bytes | memoryview,
        frequencies: bytes | memoryview,
        lengths: bytes | memoryview,
    ) -> Postings:
        return cls(unpack(documents), unpack(frequencies), unpack(lengths))


def idf(documents: int, df: int) -> float:
    return math.log(1 + (documents - df + 0.5) / (df + 0.5))


def term_scores(postings: Postings, weight: float, average_length: float) -> ScoreArray:
    """Each posting's BM25 contribution, `weight` being the term's IDF."""
    tf = postings.frequencies.astype(np.float64)
    norm = K1 * ((1 - B) + (B / average_length) * postings.lengths)
    return (weight * (K1 + 1)) * tf / (tf + norm)


def intersect(
    documents: IdArray, scores: ScoreArray, other: IdArray, other_scores: ScoreArray | None = None
) -> tuple[IdArray, ScoreArray]:
    """The documents in both sorted id arrays, with their scores summed (`other_scores` None:
    a filter, adding nothing)."""
    common, mine, theirs = np.intersect1d(documents, other, assume_unique=True, return_indices=True)
    kept = scores[mine]
    if other_scores is not None:
        kept = kept + other_scores[theirs]
    return common.astype(DTYPE, copy=False), kept


def union(parts: list[tuple[IdArray, ScoreArray]]) -> tuple[IdArray, ScoreArray]:
    """The documents in any of the parts, each with the sum of its scores."""
    if not parts:
        return np.empty(0, DTYPE), np.empty(0, np.float64)
    documents = np.concatenate([p[0] for p in parts])
    scores = np.concatenate([p[1] for p in parts])
    unique, inverse = np.unique(documents, return_inverse=True)
    summed: ScoreArray = np.bincount(inverse, weights=scores, minlength=unique.size).astype(
        np.float64, copy=False
    )
    return unique.astype(DTYPE, copy=False), summed


def top(documents: IdArray, scores: ScoreArray, count: int | None) -> npt.NDArray[np.intp]:
    """Positions of the `count` best (all when None), by score descending then document id
    ascending: the order of the former SQL statement, ties included."""
    if count is not None and count < documents.size:
        if count <= 0:
            return np.empty(0, np.intp)
        threshold = -np.partition(-scores, count - 1)[count - 1]
        chosen = np.flatnonzero(scores >= threshold)  # every tie at the boundary competes
    else:
        chosen = np.arange(documents.size)
    order = np.lexsort((documents[chosen], -scores[chosen]))
    return chosen[order][:count]
