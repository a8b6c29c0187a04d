"""The columns a rule reads, as the vectorised executor (`rules.vector`) holds them: row bitsets
for conditions, NumPy arrays for numbers and dates, dictionary codes for text, converted once
from an Arrow table (`Snapshot`).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from jinqi.rules.types import FieldType

# A boolean ndarray (one per row) or a bool standing for every row; NumPy's typing of the
# operators on these is too loose for a narrower alias to help.
Mask = Any
EPOCH = datetime.date(1970, 1, 1)


class Bits:
    """Row bitsets: bit i of word i // 64 (little-endian) is row i; bits past the last row
    stay zero, so a population count is a row count."""

    def __init__(self, rows: int) -> None:
        self.rows = rows
        self.words = (rows + 63) // 64
        self.full = np.full(self.words, np.uint64(0xFFFFFFFFFFFFFFFF))
        if rows % 64:
            self.full[-1] = np.uint64((1 << (rows % 64)) - 1)
        self.zero = np.zeros(self.words, dtype=np.uint64)

    def of(self, mask: Mask) -> np.ndarray:
        if isinstance(mask, np.ndarray) and mask.ndim == 1:
            packed = np.packbits(mask, bitorder="little")
            if packed.size == self.words * 8:
                return packed.view(np.uint64)
            out = np.zeros(self.words * 8, dtype=np.uint8)
            out[: packed.size] = packed
            return out.view(np.uint64)
        return self.full if bool(mask) else self.zero

    def invert(self, bits: np.ndarray) -> np.ndarray:
        return np.bitwise_xor(bits, self.full)

    def unpack(self, bits: np.ndarray) -> np.ndarray:
        return np.unpackbits(bits.view(np.uint8), count=self.rows, bitorder="little").view(bool)

    @staticmethod
    def count(bits: np.ndarray) -> int:
        return int(np.bitwise_count(bits).sum(dtype=np.int64))


@dataclass
class Tri:
    """A condition per row as bitsets: `true`, and `not_false` (true or unknown); `true` is a
    subset of `not_false`, and the same object when nothing is unknown."""

    true: np.ndarray
    not_false: np.ndarray

    @property
    def known(self) -> bool:
        return self.not_false is self.true


@dataclass
class Num:
    """Numbers (dates as day numbers) per row; `missing` marks rows without a value (True:
    every row, for a NULL constant)."""

    values: Any  # ndarray or scalar
    missing: Mask | None = None


@dataclass
class Text:
    """Text per row as codes into `dictionary`, code len(dictionary) for a missing value; or
    one constant str."""

    codes: Any
    dictionary: tuple[str, ...] = ()
    missing: Mask | None = None


Value = Tri | Num | Text


class Snapshot:
    """The columns of an Arrow table, converted once, on first use, as the rules need them."""

    def __init__(self, table: pa.Table) -> None:
        self.table = table.unify_dictionaries() if table.num_columns else table
        self.rows = table.num_rows
        self.bits = Bits(self.rows)
        self._columns: dict[str, Value] = {}
        self._pending: dict[str, Future[Value]] = {}

    def column(self, name: str, kind: FieldType) -> Value:
        if name not in self._columns:
            pending = self._pending.pop(name, None)
            converted = pending.result() if pending else self._convert(self.table[name], kind)
            self._columns[name] = converted
        return self._columns[name]

    def prefetch(self, fields: Sequence[tuple[str, FieldType]]) -> None:
        """Convert these columns in a background thread, in this order, while the caller
        evaluates with the first ones (Arrow and NumPy release the GIL: both cores work)."""
        wanted = [(n, k) for n, k in fields if n not in self._columns and n not in self._pending]
        if len(wanted) < 2:
            return
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="jinqi-columns")
        for name, kind in wanted:
            self._pending[name] = pool.submit(self._convert, self.table[name], kind)
        pool.shutdown(wait=False)  # the queued conversions still run; `column` waits for each

    def _convert(self, column: pa.ChunkedArray, kind: FieldType) -> Value:
        # Each conversion reads the chunks once (ChunkedArray.to_numpy concatenates): joining
        # the chunks first would copy every column twice.
        missing: np.ndarray | None = None
        if column.null_count and kind is not FieldType.NUMBER:
            missing = column.is_null().to_numpy()
        if kind is FieldType.TEXT:
            array = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
            if not pa.types.is_dictionary(array.type):
                array = pc.dictionary_encode(array)
            dictionary = tuple(array.dictionary.to_pylist())
            if None in dictionary or len(set(dictionary)) != len(dictionary):
                # Arrow allows a value twice in a dictionary, or a null one; the tests by code
                # need each value once, and strings.
                array = pc.dictionary_encode(array.cast(array.type.value_type))
                dictionary = tuple(array.dictionary.to_pylist())
            # The narrowest code type: equality tests and lookups read fewer bytes.
            narrow = np.uint8 if len(dictionary) < 255 else np.int32
            indices = array.indices.cast(pa.int32())
            codes = pc.fill_null(indices, len(dictionary)).to_numpy(zero_copy_only=False)
            return Text(codes.astype(narrow), dictionary, missing)
        if kind is FieldType.NUMBER:
            # A missing value becomes NaN, which no comparison holds for; NaN itself is
            # missing data too, as in the other executors.
            values = column.cast(pa.float64()).to_numpy()
            nan = np.isnan(values)
            return Num(values, nan if nan.any() else None)
        if kind is FieldType.DATE:
            column = column.cast(pa.date32()).cast(pa.int32())
        elif kind is FieldType.INTEGER:
            column = column.cast(pa.int64())
        if missing is not None:
            column = pc.fill_null(column, False if kind is FieldType.BOOLEAN else 0)
        values = column.to_numpy()
        return Num(values.astype(np.int64) if kind is FieldType.DATE else values, missing)


def code_of(dictionary: tuple[str, ...], text: str) -> int:
    try:
        return dictionary.index(text)
    except ValueError:
        return len(dictionary) + 1  # in no row (missing rows have code len(dictionary))


def shared_codes(left: Text, right: Text) -> tuple[np.ndarray, np.ndarray]:
    """Both columns' codes in one dictionary (the left one, extended); missing rows of the
    two never compare equal, and are unknown anyway."""
    if left.dictionary == right.dictionary:
        return left.codes, right.codes
    index = {s: i for i, s in enumerate(left.dictionary)}
    extra = len(left.dictionary) + 1
    mapping = [index.get(s, extra + i) for i, s in enumerate(right.dictionary)]
    remap = np.array([*mapping, -1], dtype=np.int64)
    return left.codes, remap[right.codes]


def as_text(value: Text, dictionary: tuple[str, ...]) -> np.ndarray | int:
    """The value's codes in `dictionary` (which holds all its strings; missing is
    len(dictionary))."""
    if isinstance(value.codes, str):
        return len(dictionary) if value.missing is True else dictionary.index(value.codes)
    if value.dictionary == dictionary:
        return value.codes
    index = {s: i for i, s in enumerate(dictionary)}
    remap = np.array([*(index[s] for s in value.dictionary), len(dictionary)], dtype=np.int32)
    return remap[value.codes]


def merged(*values: Text) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for value in values:
        if isinstance(value.codes, str):
            if value.missing is not True:
                seen.setdefault(value.codes)
        else:
            seen.update(dict.fromkeys(value.dictionary))
    return tuple(seen)
