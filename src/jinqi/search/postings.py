"""Packed postings and the BM25 arithmetic over them, with NumPy.

A term's postings are three little-endian arrays stored as bytes in its `Term` row: document
ids (sorted, unique; uint32), weighted term frequencies, and each document's length (uint16
when the row's values all fit, else uint32: a third less to read for a common word). Packing
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
# Set operations use a dense map over the ids' range when it is at most this many times the
# postings involved (plus a floor): ids are allocated densely by a rebuild, so it nearly always is.
DENSE_SPAN_FACTOR = 8
DENSE_SPAN_MIN = 1 << 16
# Fewer ids than 1/SEARCH_SHARE of the set they are looked up in: binary search instead.
SEARCH_SHARE = 4

IdArray = npt.NDArray[np.uint32]
ScoreArray = npt.NDArray[np.float64]


def pack(values: npt.ArrayLike) -> bytes:
    array = np.asarray(values, dtype=np.int64)
    if array.size and (array.min() < 0 or array.max() > MAX_ID):
        raise OverflowError("search index values must fit in an unsigned 32-bit integer")
    return array.astype(DTYPE).tobytes()


def unpack(data: bytes | memoryview | None) -> IdArray:
    return np.frombuffer(data or b"", dtype=DTYPE)


NARROW = np.dtype("<u2")


def pack_counts(values: npt.ArrayLike) -> bytes:
    """Frequencies or lengths: uint16 when every value fits, else uint32. The width is not
    stored: a row's `documents` says how many values there are (`unpack_counts`)."""
    array = np.asarray(values, dtype=np.int64)
    if array.size and array.min() >= 0 and array.max() <= np.iinfo(NARROW).max:
        return array.astype(NARROW).tobytes()
    return pack(array)


def unpack_counts(data: bytes | memoryview | None, count: int) -> npt.NDArray[np.unsignedinteger]:
    """The `count` values `pack_counts` stored, whichever width it chose."""
    data = data or b""
    if not count:
        return np.empty(0, DTYPE)
    return np.frombuffer(data, dtype=NARROW if len(data) == 2 * count else DTYPE)


@dataclass(frozen=True)
class Postings:
    """A text term's postings, decoded (read-only views of the stored bytes)."""

    documents: IdArray
    frequencies: npt.NDArray[np.unsignedinteger]
    lengths: npt.NDArray[np.unsignedinteger]

    @classmethod
    def decode(
        cls,
        documents: bytes | memoryview,
        frequencies: bytes | memoryview,
        lengths: bytes | memoryview,
    ) -> Postings:
        ids = unpack(documents)
        return cls(ids, unpack_counts(frequencies, ids.size), unpack_counts(lengths, ids.size))


def idf(documents: int, df: int) -> float:
    return math.log(1 + (documents - df + 0.5) / (df + 0.5))


def term_scores(
    postings: Postings,
    weight: float,
    average_length: float,
    at: npt.NDArray[np.intp] | None = None,
) -> ScoreArray:
    """The BM25 contribution of each posting (of those at positions `at` only, when given),
    `weight` being the term's IDF."""
    frequencies, lengths = postings.frequencies, postings.lengths
    if at is not None:
        frequencies, lengths = frequencies[at], lengths[at]
    tf = frequencies.astype(np.float64)
    norm = K1 * ((1 - B) + (B / average_length) * lengths)
    return (weight * (K1 + 1)) * tf / (tf + norm)


def locate(ids: IdArray, within: IdArray) -> npt.NDArray[np.intp]:
    """For each of the sorted `ids`, its position in the sorted `within`, or -1 when absent.

    Through a dense map over the ids' range (one scatter, one gather: linear, no sort), which
    is an order of magnitude faster than `numpy.intersect1d` on tens of thousands of postings;
    by binary search when `ids` are few beside `within` (the survivors of a rare word looked up
    in a common one) or the range is far wider than the arrays (sparse ids)."""
    if not ids.size or not within.size:
        return np.full(ids.size, -1, np.intp)
    low = min(int(ids[0]), int(within[0]))
    span = max(int(ids[-1]), int(within[-1])) - low + 1
    few = ids.size * SEARCH_SHARE < within.size  # a binary search each costs less than a map
    if not few and span <= DENSE_SPAN_FACTOR * (ids.size + within.size) + DENSE_SPAN_MIN:
        where = np.full(span, -1, np.intp)
        where[within - low] = np.arange(within.size)
        found: npt.NDArray[np.intp] = where[ids - low]
        return found
    at = np.minimum(np.searchsorted(within, ids), within.size - 1)
    return np.where(within[at] == ids, at, -1)


def union(parts: list[tuple[IdArray, ScoreArray]]) -> tuple[IdArray, ScoreArray]:
    """The documents in any of the parts (sorted id arrays), each with the sum of its scores."""
    parts = [p for p in parts if p[0].size]
    if not parts:
        return np.empty(0, DTYPE), np.empty(0, np.float64)
    low = min(int(p[0][0]) for p in parts)
    span = max(int(p[0][-1]) for p in parts) - low + 1
    if span <= DENSE_SPAN_FACTOR * sum(p[0].size for p in parts) + DENSE_SPAN_MIN:
        summed = np.zeros(span, np.float64)
        held = np.zeros(span, np.bool_)
        for documents, scores in parts:
            summed[documents - low] += scores  # ids are unique within a part
            held[documents - low] = True
        at = np.flatnonzero(held)
        return (at + low).astype(DTYPE), summed[at]
    documents = np.concatenate([p[0] for p in parts])
    unique, inverse = np.unique(documents, return_inverse=True)
    total: ScoreArray = np.bincount(
        inverse, weights=np.concatenate([p[1] for p in parts]), minlength=unique.size
    ).astype(np.float64, copy=False)
    return unique.astype(DTYPE, copy=False), total


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
