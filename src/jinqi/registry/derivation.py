"""The column operations the profile's derived fields are written in (`vocabulary.FIELDS`).

Every derivation works on Arrow arrays, one row per enterprise: the import derives a chunk of
new enterprises at once, and one enterprise is a table of one row (`registry.profile`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TypeAlias

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from jinqi.registry.size_class import SIZE_ORDER, SizeClassError, SizeRow, size_row

# One value per enterprise (pyarrow has no type hints: both are Any to mypy).
Column: TypeAlias = pa.Array | pa.ChunkedArray


# Constants typed once: pyarrow infers an untyped Python value's type at every call, slowly.
_THREE_CHARACTERS = pa.scalar(3, pa.int32())
_NO_TEXT = pa.scalar(None, pa.string())
_ZERO_YEARS = pa.scalar(0, pa.int64())


class Facts:
    """What one derivation reads, for every row: the registration values and current facts by
    vocabulary key, each yearly figure's history, and the fields derived before it.

    `columns` holds a column per registration key (uscc, established_on, industry_code, town,
    registered_capital) and per fact reference (`revenue@2024`, `in_abnormal_list`), read only
    when a derivation needs it; `given` tells, per fact reference, which rows were given a value
    (null included, "unknown"), by default the rows whose cell is not null; `types` types the
    keys nobody gave."""

    def __init__(
        self,
        columns: Mapping[str, Column],
        rows: int,
        types: Mapping[str, pa.DataType],
        given: Mapping[str, np.ndarray] | None = None,
    ) -> None:
        self.rows = rows
        self._columns = columns
        self._types = types
        self._given = given or {}
        self._values: dict[str, Column] = {}
        self._current: dict[str, str] = {}  # key → the reference of its current value
        self._history: dict[str, list[tuple[int, str]]] = {}
        for ref in columns:
            key, _sep, year = ref.partition("@")  # `models.fact_ref`, read without Django
            if year:
                self._history.setdefault(key, []).append((int(year), ref))
            else:
                self._current.setdefault(key, ref)

    def given(self, key: str) -> bool:
        return key in self._values or key in self._current or key in self._history

    def value(self, key: str) -> Column:
        """The current value: the registration's, the fact's, a yearly figure's of the newest
        year given, or the derived field's; null where unknown."""
        if key not in self._values:
            years = self._history.get(key)
            if key in self._current:
                self._values[key] = self._columns[self._current[key]]
            elif years:
                self._values[key] = self._newest(years)
            else:
                self._values[key] = pa.nulls(self.rows, self._types[key])
        return self._values[key]

    def derive(self, key: str, values: Column) -> None:
        self._values[key] = values

    def years(self, key: str) -> list[tuple[int, Column]]:
        """A yearly figure's values per year, oldest first; null where not given."""
        return [(year, self._columns[ref]) for year, ref in sorted(self._history.get(key, []))]

    def _newest(self, years: list[tuple[int, str]]) -> Column:
        oldest_first = [ref for _year, ref in sorted(years)]
        if not any(ref in self._given for ref in oldest_first):
            newest_first = [self._columns[ref] for ref in oldest_first[::-1]]
            return pc.coalesce(*newest_first) if len(newest_first) > 1 else newest_first[0]
        # The newest year given decides, even where it was given as unknown (null).
        chosen = self._columns[oldest_first[0]]
        for ref in oldest_first[1:]:
            column = self._columns[ref]
            given = self._given.get(ref)
            mask = pa.array(given) if given is not None else pc.is_valid(column)
            chosen = pc.if_else(mask, column, chosen)
        return chosen


def industry_section(code: Column) -> Column:
    """The section letter of a GB/T 4754-2017 code."""
    return pc.utf8_slice_codeunits(code, 0, 1)


def industry_division(code: Column) -> Column:
    """The two digits after the section letter; null for a section alone."""
    return pc.if_else(
        pc.greater_equal(pc.utf8_length(code), _THREE_CHARACTERS),
        pc.utf8_slice_codeunits(code, 1, 3),
        _NO_TEXT,
    )


def sum_last_years(years: list[tuple[int, Column]], rows: int, count: int = 3) -> pa.Array:
    """The sum over the `count` latest years with a value, only when they are consecutive
    (unknown rather than understated), for `rows` enterprises."""
    if len(years) < count:
        return pa.nulls(rows, pa.float64())
    by_year = {
        year: pc.cast(values, pa.float64()).to_numpy(zero_copy_only=False) for year, values in years
    }
    total = np.full(rows, np.nan)
    decided = np.zeros(rows, dtype=bool)
    for latest in sorted(by_year)[::-1]:  # the latest year with a value decides
        has = ~np.isnan(by_year[latest]) & ~decided
        window = range(latest - count + 1, latest + 1)
        if all(year in by_year for year in window):
            figures = np.stack([by_year[year] for year in window])
            complete = has & ~np.isnan(figures).any(axis=0)
            total[complete] = figures[:, complete].sum(axis=0)
        decided |= has
    return pa.array(total, pa.float64(), from_pandas=True)


def highest_before_newest(years: list[tuple[int, Column]], rows: int) -> pa.Array:
    """Per row, the highest value of the years before that row's newest year with a value;
    null where no earlier year has one (unknown history, not zero)."""
    highest = np.full(rows, np.nan)  # the highest of the years seen so far
    before_newest = np.full(rows, np.nan)  # the highest of the years before the newest seen
    for _year, values in sorted(years, key=lambda item: item[0]):
        figures = pc.cast(values, pa.float64()).to_numpy(zero_copy_only=False)
        has = ~np.isnan(figures)
        before_newest[has] = highest[has]
        highest[has] = np.fmax(highest[has], figures[has])
    return pa.array(before_newest, pa.float64(), from_pandas=True)


def size_classes(industry: Column, *, employees: Column, revenue: Column, assets: Column) -> Column:
    """`size_class.size_class` of every row; null where it cannot be determined."""
    count = len(industry)
    classes = np.full(count, None, dtype=object)
    figures = {
        name: pc.cast(column, pa.float64()).to_numpy(zero_copy_only=False)
        for name, column in (("employees", employees), ("revenue", revenue), ("assets", assets))
    }
    rows_of: dict[str, list[int]] = {}
    for index, code in enumerate(industry.to_pylist()):
        if code:
            rows_of.setdefault(code, []).append(index)
    by_row: dict[int, tuple[SizeRow, list[int]]] = {}
    for code, indexes in rows_of.items():
        try:
            size = size_row(code)
        except SizeClassError:
            continue
        by_row.setdefault(id(size), (size, []))[1].extend(indexes)
    for size, indexes in by_row.values():
        at = np.array(indexes)
        known = np.ones(len(at), dtype=bool)
        for indicator in size.indicators:
            figure = figures[indicator][at]
            known &= ~np.isnan(figure) & (figure >= 0)  # missing or negative: unknown
        result = np.full(len(at), "micro", dtype=object)
        decided = np.zeros(len(at), dtype=bool)
        for name in SIZE_ORDER:
            meets = np.ones(len(at), dtype=bool)
            for threshold in size.thresholds:
                meets &= figures[threshold.indicator][at] >= threshold.lower_bound(name)
            result[meets & ~decided] = name
            decided |= meets
        result[~known] = None
        classes[at] = result
    return pa.array(classes, pa.string())


def completed_years(dates: Column, on: dt.date) -> Column:
    """Whole years from each date to `on`, an anniversary counting once reached."""
    dates = pc.cast(dates, pa.date32())
    month, day = pa.scalar(on.month, pa.int64()), pa.scalar(on.day, pa.int64())
    years = pc.subtract(pa.scalar(on.year, pa.int64()), pc.year(dates))
    before_anniversary = pc.or_(
        pc.greater(pc.month(dates), month),
        pc.and_(pc.equal(pc.month(dates), month), pc.greater(pc.day(dates), day)),
    )
    result = pc.subtract(years, pc.cast(before_anniversary, pa.int64()))
    return pc.max_element_wise(result, _ZERO_YEARS)


def certificate_held(valid_until: Column, stated: Column, on: dt.date) -> Column:
    """A certificate's status on `on`: valid through the date it is valid until; without that
    date the yes/no a department gave; unknown if neither."""
    dates = pc.cast(valid_until, pa.date32())
    return pc.if_else(
        pc.is_null(dates),
        pc.cast(stated, pa.bool_()),
        pc.greater_equal(dates, pa.scalar(on, pa.date32())),
    )
