"""PostgreSQL's binary COPY format, made column by column (NumPy and pyarrow) for the tables of
numbers an import writes: the server then copies each number instead of parsing its text, and
the importer no longer formats it (docs/PERFORMANCE.md: about 30–40 % less of the server's work
for profiles and deliveries). The format: a signature, then per row the number of fields and
each field as its length (4 bytes, big-endian; -1 for NULL) and its bytes, then -1
(https://www.postgresql.org/docs/15/sql-copy.html, "Binary Format"). Each value's bytes are
what the type's binary input reads: big-endian integers and IEEE floats, one byte for a
boolean, days since 2000-01-01 for a date, UTF-8 text for text and json."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

SIGNATURE = b"PGCOPY\n\xff\r\n\x00" + bytes(8)  # flags and header extension length: none
TRAILER = b"\xff\xff"
_NULL_LENGTH = -1
_DAYS_1970_TO_2000 = 10_957
# Database type → NumPy type of its binary form (big-endian) and the Arrow type read into it.
_FIXED: dict[str, tuple[str, pa.DataType]] = {
    "bigint": (">i8", pa.int64()),
    "integer": (">i4", pa.int32()),
    "smallint": (">i2", pa.int16()),
    "double precision": (">f8", pa.float64()),
    "boolean": ("u1", pa.uint8()),
    "date": (">i4", pa.int32()),
}
_EMPTY = pa.scalar(b"", pa.binary())


# A numeric with two decimals, as four base-10,000 digits (10^8, 10^4, 1, 10^-4) after its
# header (digits, weight, sign, display scale): up to 10^12, all an enterprise's capital may be.
# PostgreSQL drops the leading and trailing zero digits itself.
_MONEY = "numeric(14, 2)"
_MONEY_HEADER = (4, 2, 0, 2)


def supports(db_type: str) -> bool:
    return db_type in _FIXED or db_type == _MONEY or _is_text(db_type)


def _is_text(db_type: str) -> bool:
    return db_type in ("text", "json") or db_type.startswith("varchar(")


def copy_data(columns: Sequence[tuple[str, pa.Array]]) -> bytes:
    """The binary COPY data of these columns (database type, values), rows in order."""
    count = len(columns[0][1])
    fields = [_fields(values, db_type) for db_type, values in columns]
    header = pa.scalar(len(columns).to_bytes(2, "big"), pa.binary())
    rows = pc.binary_join_element_wise(header, *fields, _EMPTY)
    offsets = np.frombuffer(rows.buffers()[1], dtype=np.int32)[: count + 1]
    body = memoryview(rows.buffers()[2])[offsets[0] : offsets[-1]]
    return b"".join((SIGNATURE, body, TRAILER))


def _fields(values: pa.Array, db_type: str) -> pa.Array:
    """Each value as a field: its length and its bytes, or the NULL length alone."""
    count = len(values)
    if _is_text(db_type):
        text = pc.cast(values, pa.string())
        lengths = pc.fill_null(pc.binary_length(text), _NULL_LENGTH).to_numpy()
        prefix = _raw(np.asarray(lengths, dtype=">i4").view(np.uint8), 4, count)
        return pc.binary_join_element_wise(
            prefix, pc.cast(pc.fill_null(text, ""), pa.binary()), _EMPTY
        )
    valid = ~np.asarray(values.is_null().to_numpy(zero_copy_only=False), dtype=bool)
    if db_type == _MONEY:
        return _fixed(_money(values), valid)
    kind, arrow_type = _FIXED[db_type]
    if db_type == "date":  # ISO text (as facts are kept) or dates: days since 2000-01-01
        days = pc.cast(pc.cast(values, pa.date32()), pa.int32())
        values = pc.subtract(days, pa.scalar(_DAYS_1970_TO_2000, pa.int32()))
    numbers = pc.fill_null(pc.cast(values, arrow_type), pa.scalar(0, arrow_type)).to_numpy()
    return _fixed(np.asarray(numbers, dtype=kind), valid)


def _money(values: pa.Array) -> np.ndarray:
    """Amounts given as text with two decimals ("2500.00", as `columnar.capital_text` writes
    them) as numeric's binary form: exact, from the digits, not through a float."""
    cents = pc.cast(pc.replace_substring(pc.fill_null(values, "0.00"), ".", ""), pa.int64())
    cents = np.abs(np.asarray(cents.to_numpy(), dtype=np.int64))  # "-0.00" is 0
    whole, fraction = np.divmod(cents, 100)
    digits = np.empty(
        len(values), dtype=[(name, ">i2") for name in ("n", "w", "s", "d", "a", "b", "c", "f")]
    )
    digits["n"], digits["w"], digits["s"], digits["d"] = _MONEY_HEADER
    digits["a"], rest = np.divmod(whole, 10**8)
    digits["b"], digits["c"] = np.divmod(rest, 10**4)
    digits["f"] = fraction * 100
    return digits


def _fixed(values: np.ndarray, valid: np.ndarray) -> pa.Array:
    """Fields of one width (a NumPy array of their binary forms), NULL where not `valid`."""
    count, width = len(values), values.dtype.itemsize
    records = np.empty(count, dtype=[("length", ">i4"), ("value", values.dtype)])
    records["length"] = np.where(valid, width, _NULL_LENGTH)
    records["value"] = values
    raw = records.view(np.uint8).reshape(count, 4 + width)
    if valid.all():
        return _raw(raw.reshape(-1), 4 + width, count)
    keep = np.ones(raw.shape, dtype=bool)
    keep[~valid, 4:] = False  # a NULL is its length alone
    return _binary(raw[keep], np.where(valid, 4 + width, 4))


def _raw(data: np.ndarray, width: int, count: int) -> pa.Array:
    """`count` values of `width` bytes each, laid end to end in `data`, as a binary array."""
    offsets = np.arange(0, (count + 1) * width, width, dtype=np.int32)
    return pa.Array.from_buffers(
        pa.binary(), count, [None, pa.py_buffer(offsets), pa.py_buffer(data)]
    )


def _binary(data: np.ndarray, sizes: np.ndarray) -> pa.Array:
    offsets = np.zeros(len(sizes) + 1, dtype=np.int32)
    np.cumsum(sizes, out=offsets[1:])
    return pa.Array.from_buffers(
        pa.binary(), len(sizes), [None, pa.py_buffer(offsets), pa.py_buffer(data)]
    )
