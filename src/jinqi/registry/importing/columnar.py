"""Parquet rows checked and written column by column (pyarrow.compute and NumPy) instead of one
Python call per cell: what lets a file of millions of enterprises import at the speed of the
database's COPY (docs/PERFORMANCE.md, docs/adr/0005-registry-deliveries.md).

A cell is accepted here only when `RowValidator` would accept it as it is: a typed value in
range, a code or name found in the same look-ups. Any row with a cell this module cannot vouch
for (a rejected value, text with spaces around it, a duplicate code, an empty row…) goes to
`RowValidator` whole, so the error report keeps its row numbers and reasons word for word.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from django.db import models

from jinqi.core.text import column_needs_cleaning
from jinqi.registry.enums import FieldType
from jinqi.registry.importing.bulk import Copy, stamps
from jinqi.registry.importing.reading import MAX_CELL, RawRow
from jinqi.registry.importing.rows import (
    CLOSED_VALUES,
    REGISTRATION,
    REGISTRATION_ATTRIBUTES,
    Column,
    Rejection,
    RowValidator,
    ValidRow,
    _fold,
)
from jinqi.registry.models import Delivery, Profile, fact_ref
from jinqi.registry.profile import PROFILE_KEYS, TYPES, written_columns
from jinqi.registry.uscc import CHARACTER_VALUES, well_formed
from jinqi.registry.values import MAX_TEXT
from jinqi.registry.vocabulary import BY_KEY

# Exact in a float64: larger whole numbers are left to RowValidator, which reads them as floats.
MAX_EXACT_INTEGER = 2**53


def _scalar(value: Any) -> pa.Scalar:
    """A constant for pyarrow.compute, made once: a Python value is converted at every call,
    and each conversion tries to import dateutil (40 µs when it is not installed)."""
    return pa.scalar(value)


_FALSE, _ZERO, _ONE, _EMPTY = _scalar(False), _scalar(0.0), _scalar(1.0), _scalar("")
_QUOTE, _POINT_ZERO, _OPEN, _CLOSE, _COMMA = map(_scalar, ('"', ".0", "[", "]", ","))
_MAX_CAPITAL = _scalar(1e12)
_NULL_FLOAT = pa.scalar(None, pa.float64())
_MAX_EXACT = pa.scalar(MAX_EXACT_INTEGER, pa.int64())
_NO_CHARACTERS = pa.scalar(0, pa.int32())  # utf8_length gives int32 for string


@cache
def _characters(count: int) -> pa.Scalar:
    return pa.scalar(count, pa.int32())


@dataclass
class Checked:
    """One chunk's rows after the check: the clean ones as a table, the others as RowValidator
    saw them."""

    first: int  # row number of the chunk's first row (the header is row 1)
    count: int
    # Clean rows: "number", "uscc", registration attributes (Enterprise's), fact references.
    fast: pa.Table | None = None
    valid: list[ValidRow] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    # The writing of `fast`'s named rows, made ahead for when they are all new enterprises.
    new: NewRows | None = None
    # Or, in a first load (`firstload`), that writing done: the COPY data of `copied` new
    # enterprises with `copied_facts` facts, and no `fast` table.
    copies: list[Copy] = field(default_factory=list)
    copied: int = 0
    copied_facts: int = 0

    @property
    def last(self) -> int:
        return self.first + self.count - 1


def record_batches(
    batches: Iterator[pa.RecordBatch], size: int, resumed_after: int
) -> Iterator[pa.RecordBatch]:
    """Record batches re-cut into chunks of `size` rows, ending exactly where a previous run
    stopped (as `batch._chunks` does for rows)."""
    pending: list[pa.RecordBatch] = []
    held = done = 0
    for batch in batches:
        pending.append(batch)
        held += batch.num_rows
        while True:
            end = done + size
            if done < resumed_after < end:
                end = resumed_after
            if held < end - done:
                break
            table = pa.Table.from_batches(pending)
            yield table.slice(0, end - done).combine_chunks().to_batches()[0]
            rest = table.slice(end - done)
            pending, held, done = rest.to_batches(), rest.num_rows, end
    if held:
        yield pa.Table.from_batches(pending).combine_chunks().to_batches()[0]


class ColumnarValidator:
    """`RowValidator`'s rules applied to whole columns; shares its look-ups and its memory of
    the codes seen, so duplicates are found across both."""

    def __init__(self, columns: list[Column], rows: RowValidator) -> None:
        self.columns = columns
        self.rows = rows
        self.uscc = next(c for c in columns if c.name == "uscc")
        self.facts = [c for c in columns if c.is_fact]
        self.registration = [c for c in columns if not c.is_fact and c.name != "uscc"]

    def check(self, first: int, batch: pa.RecordBatch) -> Checked:
        count = batch.num_rows
        numbers = pa.array(np.arange(first, first + count, dtype=np.int64))
        ok = np.ones(count, dtype=bool)
        named = {c.position for c in self.columns}
        for position in range(batch.num_columns):
            if position not in named:
                ok &= _absent(batch.column(position))
        codes, fine = self._codes(batch.column(self.uscc.position), numbers)
        ok &= fine
        out: dict[str, pa.Array] = {"number": numbers, "uscc": pa.array(codes, pa.string())}
        for column in self.registration:
            attribute = REGISTRATION_ATTRIBUTES.get(column.name, column.name)
            out[attribute], fine = self._registration(column.name, batch.column(column.position))
            ok &= fine
        for column in self.facts:
            out[fact_ref(column.name, column.year)], fine = _fact(
                column.name, batch.column(column.position)
            )
            ok &= fine
        checked = Checked(first, count)
        if ok.all():
            checked.fast = pa.table(out)
            return checked
        checked.fast = pa.table(out).filter(pa.array(ok))
        others = pa.array(np.flatnonzero(~ok))
        cells = zip(*(column.take(others).to_pylist() for column in batch.columns), strict=True)
        for index, row in zip(others.to_pylist(), cells, strict=True):
            result = self.rows.validate(RawRow(first + index, row))
            if isinstance(result, ValidRow):
                checked.valid.append(result)
            elif isinstance(result, Rejection):
                checked.rejected.append(result)
        return checked

    def _codes(self, column: pa.Array, numbers: pa.Array) -> tuple[list[str], np.ndarray]:
        """The codes as `RowValidator.uscc_of` reads them, each remembered for duplicates, and
        whether each is a valid code seen first here."""
        count = len(column)
        if not pa.types.is_string(column.type) and not pa.types.is_large_string(column.type):
            # Every row goes to RowValidator, in order, which reads and remembers the codes.
            return [""] * count, np.zeros(count, dtype=bool)
        characters = _standard_characters(column)
        if characters is not None:  # nothing to trim, all ASCII and 18 long
            codes = column.to_pylist()
            ok = np.ones(count, dtype=bool)
        else:
            values = column.to_pylist()
            codes = ["" if v is None else v.strip()[:MAX_CELL] for v in values]
            ok = np.fromiter(
                (v is not None and len(v) == 18 and v.isascii() for v in values), bool, count
            )
        rows = numbers.to_pylist()
        seen = self.rows.seen
        if "" not in codes and len(set(codes)) == count and seen.keys().isdisjoint(codes):
            seen.update(zip(codes, rows, strict=True))  # all new: remembered in one call
        else:
            for index, (code, number) in enumerate(zip(codes, rows, strict=True)):
                if self.rows._remember(code, number) is not None:
                    ok[index] = False
        if not ok.any():
            return codes, ok
        if characters is None:
            text = "".join(v if good else "0" * 18 for v, good in zip(values, ok, strict=True))
            characters = CHARACTER_VALUES[np.frombuffer(text.encode("ascii"), dtype=np.uint8)]
            characters = characters.reshape(count, 18)
        ok &= well_formed(characters)
        return codes, ok

    def _registration(self, name: str, column: pa.Array) -> tuple[pa.Array, np.ndarray]:
        field_type, max_length = REGISTRATION[name]
        if field_type == FieldType.DATE:
            if pa.types.is_date32(column.type):
                return column, np.ones(len(column), dtype=bool)
            return _refuse(column)
        if field_type == FieldType.MONEY:
            numbers, ok = _numbers(column)
            ok &= _true(
                pc.and_kleene(pc.greater_equal(numbers, _ZERO), pc.less(numbers, _MAX_CAPITAL))
            )
            return numbers, ok
        text, ok = _text(column, max_length)
        if name == "status":
            return _look_up(text, ok, lambda v: self.rows.statuses.get(_fold(v)), pa.string())
        if name == "industry_code":
            industries = self.rows.industries
            return _look_up(
                text, ok, lambda v: v.upper() if v.upper() in industries else None, pa.string()
            )
        if name == "town":
            towns = self.rows.towns
            return _look_up(text, ok, lambda v: towns.get(_fold(v)), pa.int64())
        return text, ok


def _standard_characters(column: pa.Array) -> np.ndarray | None:
    """Each code's characters as their values in the standard's set (rows × 18), read straight
    from the Arrow buffers, if every cell is 18 characters of that set; otherwise None."""
    count = len(column)
    if column.null_count or not count:
        return None
    column = pc.cast(column, pa.string())
    offsets = np.frombuffer(column.buffers()[1], dtype=np.int32)[
        column.offset : column.offset + count + 1
    ]
    if offsets[-1] - offsets[0] != 18 * count or (np.diff(offsets) != 18).any():
        return None
    data = np.frombuffer(column.buffers()[2], dtype=np.uint8)[offsets[0] : offsets[-1]]
    characters = CHARACTER_VALUES[data].reshape(count, 18)
    return characters if (characters >= 0).all() else None


def _true(mask: pa.Array) -> np.ndarray:
    """A boolean array as NumPy, null read as false."""
    return np.asarray(pc.fill_null(mask, _FALSE).to_numpy(zero_copy_only=False), dtype=bool)


def _absent(column: pa.Array) -> np.ndarray:
    return np.asarray(column.is_null().to_numpy(zero_copy_only=False), dtype=bool)


def _refuse(column: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """Values of a type this module does not read: their rows go to RowValidator."""
    return pa.nulls(len(column)), _absent(column)


def _numbers(column: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """A numeric column as float64, with which of its cells are finite numbers (or empty)."""
    if pa.types.is_integer(column.type):
        ok = _absent(column) | _true(pc.less(pc.abs(column), _MAX_EXACT))
        return pc.cast(column, pa.float64(), safe=False), ok
    if pa.types.is_floating(column.type):
        numbers = pc.cast(column, pa.float64())
        return numbers, _absent(numbers) | _true(pc.is_finite(numbers))
    return _refuse(column)


def _text(column: pa.Array, max_length: int) -> tuple[pa.Array, np.ndarray]:
    """Text cells that need no trimming, are not blank, fit and pass the text boundary as they
    are; others go to RowValidator."""
    if not pa.types.is_string(column.type) and not pa.types.is_large_string(column.type):
        return _refuse(column)
    column = pc.cast(column, pa.string())
    fits = pc.and_(
        pc.equal(pc.utf8_trim_whitespace(column), column),
        pc.and_(
            pc.greater(pc.utf8_length(column), _NO_CHARACTERS),
            pc.less_equal(pc.utf8_length(column), _characters(min(max_length, MAX_CELL))),
        ),
    )
    # A cell the text boundary would refuse or change goes to RowValidator, which says why.
    return column, _absent(column) | (_true(fits) & ~column_needs_cleaning(column))


def _look_up(
    text: pa.Array, ok: np.ndarray, find: Any, type_: pa.DataType
) -> tuple[pa.Array, np.ndarray]:
    """Each distinct text looked up once; not found sends the row to RowValidator."""
    distinct = pc.unique(text).drop_null()
    found = [find(value) for value in distinct.to_pylist()]
    values = pa.array(found, type_)
    index = pc.index_in(text, value_set=distinct)
    mapped = pc.take(values, index)
    return mapped, ok & (_absent(text) | ~_absent(mapped))


def _fact(key: str, column: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """The fact column typed as `values.coerce` would store it, and which cells are clean."""
    kind = BY_KEY[key].type
    if kind == FieldType.BOOLEAN:
        if pa.types.is_boolean(column.type):
            return column, np.ones(len(column), dtype=bool)
        return _refuse(column)
    if kind == FieldType.DATE:
        if pa.types.is_date32(column.type):  # stored as `values.coerce` does: ISO text
            return pc.cast(column, pa.string()), np.ones(len(column), dtype=bool)
        return _refuse(column)
    if kind == FieldType.TEXT:
        text, ok = _text(column, MAX_TEXT)
        if key in CLOSED_VALUES:
            ok &= _absent(text) | _true(pc.is_in(text, pa.array(sorted(CLOSED_VALUES[key]))))
        else:  # stored in JSON as it is: leave quotes, backslashes and controls to json.dumps
            ok &= _absent(text) | ~_true(pc.match_substring_regex(text, r'["\\\x00-\x1f]'))
        return text, ok
    if kind not in (FieldType.INTEGER, FieldType.MONEY, FieldType.NUMBER, FieldType.RATIO):
        return _refuse(column)
    numbers, ok = _numbers(column)
    if kind == FieldType.INTEGER:
        whole = pc.and_kleene(
            pc.equal(pc.floor(numbers), numbers), pc.greater_equal(numbers, _ZERO)
        )
        ok &= _absent(numbers) | _true(whole)
        return pc.cast(pc.if_else(_as_mask(ok), numbers, _NULL_FLOAT), pa.int64()), ok
    if kind == FieldType.RATIO:
        ok &= _absent(numbers) | _true(
            pc.and_kleene(pc.greater_equal(numbers, _ZERO), pc.less_equal(numbers, _ONE))
        )
    return numbers, ok


def _as_mask(ok: np.ndarray) -> pa.Array:
    return pa.array(ok, pa.bool_())


# Writing ------------------------------------------------------------------------------------


@dataclass
class NewRows:
    """What writing clean rows about new enterprises needs that no database does, so the
    worker thread can make it while the caller writes the chunk before: the registration
    columns, each row's delivery (`delivery_columns`) and profile (`profile_columns`)."""

    table: pa.Table
    registration: dict[str, pa.Array]
    capital: list[str | None]
    layouts: list[tuple[str, ...]]
    layout_of_row: np.ndarray
    values: pa.Array
    profile: dict[str, pa.Array]
    facts: int


def new_rows(table: pa.Table, town_codes: dict[int, str]) -> NewRows:
    refs = fact_refs(table)
    layouts, layout_of_row, values = delivery_columns(table)
    capital = capital_text(table) if "registered_capital" in table.column_names else []
    return NewRows(
        table=table,
        registration={
            name: table.column(name).combine_chunks()
            for name in table.column_names
            if name not in ("number", *refs)
        },
        capital=capital,
        layouts=layouts,
        layout_of_row=layout_of_row,
        values=values,
        profile=profile_columns(table, town_codes, capital),
        facts=facts_count(table),
    )


def new_tables(
    new: NewRows,
    ids: pa.Array,
    layout_ids: Mapping[tuple[str, ...], int],
    *,
    source_id: int,
    as_of: dt.date,
    batch_id: int,
    now: dt.datetime,
) -> list[tuple[type[models.Model], dict[str, pa.Array]]]:
    """The delivery and profile rows of new enterprises (their ids given), column by column as
    the database takes them: what `bulk.insert_table` or `bulk.copy_of` writes."""
    count = len(new.table)
    layouts = new.layouts
    has_facts = pa.array(np.array([bool(refs) for refs in layouts])[new.layout_of_row])
    deliveries = {
        "enterprise": ids,
        "source": pa.repeat(pa.scalar(source_id, pa.int64()), count),
        "as_of": pa.repeat(pa.scalar(as_of, pa.date32()), count),
        "batch": pa.repeat(pa.scalar(batch_id, pa.int64()), count),
        "layout": pa.array(
            np.array([layout_ids.get(refs, 0) for refs in layouts])[new.layout_of_row]
        ),
        "values": new.values,
    }
    if (stamp := stamps(now, count)) is not None:
        deliveries["recorded_at"] = stamp
    profile = profile_stamped(new.profile, ids, now)
    return [
        (Delivery, {key: pc.filter(values, has_facts) for key, values in deliveries.items()}),
        (Profile, {_profile_name(key): values for key, values in profile.items()}),
    ]


def _profile_name(key: str) -> str:
    """Profile's field name for a column of `profile_stamped`."""
    return "enterprise" if key == "enterprise_id" else key


def named(table: pa.Table) -> pa.Array:
    """Which rows give a name (a new enterprise needs one)."""
    if "name" in table.column_names:
        return table.column("name").combine_chunks().is_valid()
    return pa.array([False] * len(table))


def fact_refs(table: pa.Table) -> list[str]:
    return [name for name in table.column_names if name not in _NOT_FACTS]


_NOT_FACTS = frozenset({"number", "uscc", *REGISTRATION_ATTRIBUTES.values(), *REGISTRATION})


def facts_count(table: pa.Table) -> int:
    return sum(len(table) - table.column(ref).null_count for ref in fact_refs(table))


def delivery_columns(table: pa.Table) -> tuple[list[tuple[str, ...]], np.ndarray, pa.Array]:
    """Each row's delivery: its layout (the references of the facts it gives, in column order)
    as an index into the layouts returned, and its values as the JSON text `json.dumps` gives
    for the same list: `[2500.0,true]`."""
    refs = fact_refs(table)
    count = len(table)
    if not refs:
        return [()], np.zeros(count, dtype=np.int64), pa.array(["[]"] * count, pa.string())
    columns = [table.column(ref).combine_chunks() for ref in refs]
    given = np.stack([~_absent(column) for column in columns], axis=1)
    if len(refs) <= 64:  # each row's pattern as one number: a one-dimensional np.unique
        bits = np.left_shift(np.uint64(1), np.arange(len(refs), dtype=np.uint64))
        keys = np.bitwise_or.reduce(np.where(given, bits, np.uint64(0)), axis=1)
        _keys, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
        patterns = given[first]
    else:
        patterns, inverse = np.unique(given, axis=0, return_inverse=True)
    layouts = [
        tuple(ref for ref, bit in zip(refs, pattern, strict=True) if bit) for pattern in patterns
    ]
    text = _json_literals(columns)
    if len(text) == 1:  # binary_join_element_wise drops the nulls of a lone array
        body = pc.fill_null(text[0], _EMPTY)
    else:
        body = pc.binary_join_element_wise(*text, _COMMA, null_handling="skip")
    return layouts, inverse.reshape(-1), pc.binary_join_element_wise(_OPEN, body, _CLOSE, _EMPTY)


def _json_literals(columns: list[pa.Array]) -> list[pa.Array]:
    """Each value as its JSON text (null stays null). The float columns are written as one
    array: the work is per value, the calls' cost per column."""
    floats = [i for i, column in enumerate(columns) if pa.types.is_floating(column.type)]
    text: list[pa.Array] = []
    for column in columns:
        if pa.types.is_string(column.type):
            text.append(pc.binary_join_element_wise(_QUOTE, column, _QUOTE, _EMPTY))
        elif pa.types.is_floating(column.type):
            text.append(column)  # replaced below
        else:
            text.append(pc.cast(column, pa.string()))
    if floats:
        joined = float_literals(
            pa.concat_arrays([pc.cast(columns[i], pa.float64()) for i in floats])
        )
        start = 0
        for i in floats:
            text[i] = joined.slice(start, len(columns[i]))
            start += len(columns[i])
    return text


# Arrow writes some whole numbers from 1e10 up with an exponent ("1.5e+10"), which reads back a
# float already: from here on (a margin below), their text is checked for one.
_EXPONENT_FROM = 1e9


def float_literals(values: pa.Array) -> pa.Array:
    """Floats as JSON text that reads back a float: Arrow writes 2500.0 as "2500", Python as
    "2500.0", so whole numbers get ".0" (found with NumPy, not by searching the text)."""
    text = pc.cast(values, pa.string())
    numbers = values.to_numpy(zero_copy_only=False)  # null: NaN
    with np.errstate(invalid="ignore"):
        whole = np.isfinite(numbers) & (np.floor(numbers) == numbers)
    large = np.flatnonzero(whole & (np.abs(numbers) >= _EXPONENT_FROM))
    if len(large):
        written = pc.match_substring(text.take(pa.array(large)), "e")
        whole[large[np.asarray(written.to_numpy(zero_copy_only=False), dtype=bool)]] = False
    mask = pa.array(whole)
    marked = pc.binary_join_element_wise(text.filter(mask), _POINT_ZERO, _EMPTY)
    return pc.replace_with_mask(text, mask, marked)


def valid_rows(table: pa.Table) -> list[ValidRow]:
    """Clean rows as RowValidator would have returned them (for the per-row write path)."""
    refs = set(fact_refs(table))
    rows = []
    for row in table.to_pylist():
        registration: dict[str, Any] = {}
        facts: dict[str, Any] = {}
        for name, value in row.items():
            if value is None or name in ("number", "uscc"):
                continue
            if name in refs:
                facts[name] = value
            elif name == "registered_capital":
                registration[name] = Decimal(f"{value:.2f}")  # as RowValidator rounds it
            else:
                registration[name] = value
        rows.append(ValidRow(row["number"], row["uscc"], registration, facts))
    return rows


def profile_stamped(
    columns: dict[str, pa.Array], ids: pa.Array, now: dt.datetime
) -> dict[str, pa.Array]:
    """`profile_columns` with the enterprises' ids and the time of the refresh, in the order
    of Profile's fields."""
    count = len(ids)
    nothing = pa.nulls(count)
    values = {**columns, "enterprise_id": ids}
    keys = ["enterprise_id", *PROFILE_KEYS]
    if (stamp := stamps(now, count)) is not None:
        values["refreshed_at"] = stamp
        keys.insert(1, "refreshed_at")
    return {key: values.get(key, nothing) for key in keys}


def profile_columns(
    table: pa.Table, town_codes: dict[int, str], capital: list[str | None] | None = None
) -> dict[str, pa.Array]:
    """The profile's stored keys of enterprises created from these rows (no id, no time), by
    `profile.written_columns`; `capital` is `capital_text(table)` when the caller has it."""
    names = table.column_names
    inputs: dict[str, pa.Array] = {"uscc": table.column("uscc").combine_chunks()}
    if "established_on" in names:
        inputs["established_on"] = table.column("established_on").combine_chunks()
    if "industry_id" in names:
        inputs["industry_code"] = table.column("industry_id").combine_chunks()
    if "town_id" in names:
        codes = [town_codes.get(pk) for pk in range(max(town_codes, default=0) + 1)]
        inputs["town"] = pc.take(pa.array(codes, pa.string()), table.column("town_id"))
    if "registered_capital" in names:
        # As Enterprise stores it (two decimals), read back as a float.
        inputs["registered_capital"] = pa.array(
            [None if v is None else float(v) for v in (capital or capital_text(table))],
            pa.float64(),
        )
    for ref in fact_refs(table):  # dates travel as ISO text for the deliveries' JSON
        inputs[ref] = pc.cast(table.column(ref).combine_chunks(), TYPES[ref.partition("@")[0]])
    return {
        key: values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
        for key, values in written_columns(pa.table(inputs)).items()
    }


def capital_text(table: pa.Table) -> list[str | None]:
    """Registered capital with two decimals, as Enterprise's DecimalField stores it."""
    return [
        None if v is None else f"{v:.2f}" for v in table.column("registered_capital").to_pylist()
    ]
