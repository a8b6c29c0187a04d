"""The enterprise profile pipeline: the vocabulary's derivations (`vocabulary.FIELDS`) run over
Arrow columns, one row per enterprise, for every caller.

- `written_columns`: registration values and current facts → the stored profile columns, the
  fields derived when written included. The columnar import calls it on a chunk of new
  enterprises; `profile_rows` on enterprises given one by one (profile refresh, bulk rebuild).
- `dated_columns`: a stored profile → the fields derived for an evaluation date (age_years,
  certificate statuses). Matching snapshots and the Parquet export call it on every profile;
  `dated_values` and `profile_on` on one (the registry's pages, live verdicts, the evaluate API).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any

import numpy as np
import pyarrow as pa

from jinqi.registry.derivation import Column, Facts
from jinqi.registry.enums import FieldType
from jinqi.registry.models import Enterprise
from jinqi.registry.vocabulary import BY_KEY, FIELDS, Origin

ARROW_TYPES = {
    FieldType.TEXT: pa.string(),
    FieldType.INTEGER: pa.int64(),
    FieldType.MONEY: pa.float64(),
    FieldType.NUMBER: pa.float64(),
    FieldType.RATIO: pa.float64(),
    FieldType.BOOLEAN: pa.bool_(),
    FieldType.DATE: pa.date32(),
}
TYPES = {spec.key: ARROW_TYPES[FieldType(spec.type)] for spec in FIELDS}
REGISTRATION_KEYS = tuple(spec.key for spec in FIELDS if spec.origin is Origin.REGISTRATION)
# The keys stored in Profile's columns, in the vocabulary's order.
PROFILE_KEYS = tuple(spec.key for spec in FIELDS if spec.stored)
_WRITTEN = tuple(spec for spec in FIELDS if spec.origin is Origin.WRITTEN)
_DATED = tuple(spec for spec in FIELDS if spec.origin is Origin.DATED)
DATED_KEYS = frozenset(spec.key for spec in _DATED)


def written_columns(
    table: pa.Table, given: Mapping[str, np.ndarray] | None = None
) -> dict[str, Column]:
    """The stored profile columns of the enterprises in `table` (a column per registration key
    and per fact reference, see `derivation.Facts`): the keys the table gives and every field
    derived when written."""
    facts = Facts(
        dict(zip(table.column_names, table.columns, strict=True)), len(table), TYPES, given
    )
    for spec in _WRITTEN:
        assert spec.derive is not None  # declared with its origin
        facts.derive(spec.key, spec.derive(facts))
    return {key: facts.value(key) for key in PROFILE_KEYS if facts.given(key)}


def dated_columns(table: pa.Table, on: dt.date, keys: Iterable[str] | None = None) -> pa.Table:
    """`table` with the fields derived for `on` (those of `keys`, by default all) whose stored
    inputs it has: replaced where the table has the column, appended otherwise."""
    wanted = DATED_KEYS if keys is None else set(keys)
    for spec in _DATED:
        if spec.key not in wanted or not all(k in table.column_names for k in spec.reads):
            continue
        assert spec.derive_on is not None  # declared with its origin
        column = spec.derive_on({k: table.column(k) for k in spec.reads}, on)
        if spec.key in table.column_names:
            table = table.set_column(table.column_names.index(spec.key), spec.key, column)
        else:
            table = table.append_column(spec.key, column)
    return table


def keys_read(keys: Iterable[str]) -> list[str]:
    """`keys` without the dated fields stored nowhere, with the stored keys the dated ones
    among them are derived from."""
    keys = list(keys)
    needed = [key for key in keys if key not in DATED_KEYS or BY_KEY[key].stored]
    for key in keys:
        if key in DATED_KEYS:
            needed += [k for k in BY_KEY[key].reads if k not in needed]
    return needed


# One enterprise at a time ------------------------------------------------------------------


def profile_rows(
    records: Sequence[tuple[Mapping[str, Any], Mapping[str, Any]]],
) -> list[dict[str, Any]]:
    """The stored profile (key → value) of each enterprise given as its registration values
    (`registration_values`) and current facts (fact reference → value)."""
    if not records:
        return []
    registrations = [registration for registration, _current in records]
    currents = [current for _registration, current in records]
    columns = {key: _array(key, [r.get(key) for r in registrations]) for key in REGISTRATION_KEYS}
    given: dict[str, np.ndarray] = {}
    refs = dict.fromkeys(ref for current in currents for ref in current)
    for ref in refs:
        key = ref.partition("@")[0]
        if key in columns or key not in TYPES:
            continue  # the registration record decides its own keys
        values = [current.get(ref) for current in currents]
        columns[ref] = _array(key, values)
        if any(v is None and ref in current for v, current in zip(values, currents, strict=True)):
            given[ref] = np.fromiter((ref in current for current in currents), bool, len(currents))
    written = pa.table(written_columns(pa.table(columns), given)).to_pylist()
    return [{key: row.get(key) for key in PROFILE_KEYS} for row in written]


def dated_values(values: Mapping[str, Any], on: dt.date) -> dict[str, Any]:
    """A stored profile (key → value) with the fields derived for `on`, each where any of its
    inputs is given (a status without a date too)."""
    profile = dict(values)
    for spec in _DATED:
        if any(key in values for key in spec.reads):
            assert spec.derive_on is not None  # declared with its origin
            inputs = {key: _array(key, [values.get(key)]) for key in spec.reads}
            profile[spec.key] = spec.derive_on(inputs, on)[0].as_py()
    return profile


def profile_on(values: Mapping[str, Any], on: dt.date) -> dict[str, Any]:
    """A profile given by vocabulary key (a caller's, or a stored one) with what it lacks of the
    fields derived when written and the fields derived for `on`; values given stand."""
    profile = dict(values)
    if isinstance(profile.get("established_on"), str):
        profile["established_on"] = dt.date.fromisoformat(profile["established_on"])
    # A stored profile (every written key present) had them derived when it was written.
    stored = all(spec.key in profile for spec in _WRITTEN)
    missing = [] if stored else [spec for spec in _WRITTEN if profile.get(spec.key) is None]
    if missing:
        facts = Facts(_OneRow(profile), 1, TYPES)
        for spec in missing:
            assert spec.derive is not None  # declared with its origin
            profile[spec.key] = spec.derive(facts)[0].as_py()
    return dated_values(profile, on)


class _OneRow(Mapping[str, pa.Array]):
    """A profile's values as one-row columns, each made when a derivation reads it."""

    def __init__(self, values: Mapping[str, Any]) -> None:
        self._values = values
        self._keys = [key for key in values if key in TYPES]
        self._columns: dict[str, pa.Array] = {}

    def __getitem__(self, key: str) -> pa.Array:
        if key not in self._columns:
            self._columns[key] = _array(key, [self._values[key]])
        return self._columns[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)


def _array(key: str, values: list[Any]) -> pa.Array:
    kind = BY_KEY[key].type
    if kind == FieldType.DATE:
        values = [
            dt.date.fromisoformat(v) if isinstance(v, str) and v else v or None for v in values
        ]
    elif ARROW_TYPES[FieldType(kind)] == pa.float64():
        values = [float(v) if isinstance(v, Decimal) else v for v in values]
    return pa.array(values, TYPES[key])


# The inputs ----------------------------------------------------------------------------------


def delivery_rows(
    deliveries: Iterable[tuple[int, dt.date, int, list[str], list[Any]]],
) -> dict[int, list[tuple[dt.date, int, dict[str, Any]]]]:
    """(enterprise id, as of, id, layout refs, values) of deliveries → per enterprise, the
    (as of, id, fact reference → value) that `current_values` reads."""
    by_enterprise: dict[int, list[tuple[dt.date, int, dict[str, Any]]]] = defaultdict(list)
    for enterprise_id, as_of, pk, refs, values in deliveries:
        by_enterprise[enterprise_id].append((as_of, pk, dict(zip(refs, values, strict=True))))
    return by_enterprise


DELIVERY_ROW = ("enterprise_id", "as_of", "id", "layout__refs", "values")


def current_values(deliveries: Iterable[tuple[dt.date, int, dict[str, Any]]]) -> dict[str, Any]:
    """Fact reference → current value, from (as of, id, values) of one enterprise's deliveries:
    the newest delivery that has a reference gives its value."""
    current: dict[str, Any] = {}
    for _as_of, _id, values in sorted(deliveries, key=lambda d: (d[0], d[1])):
        current.update(values)
    return current


def registration_values(
    *,
    uscc: str,
    established_on: dt.date | None,
    industry_code: str | None,
    town_code: str | None,
    registered_capital: Any,
) -> dict[str, Any]:
    """The profile's values that come from the registration record."""
    return {
        "uscc": uscc,
        "established_on": established_on,
        "industry_code": industry_code or None,
        "town": town_code or None,
        "registered_capital": (
            float(registered_capital) if registered_capital is not None else None
        ),
    }


def enterprise_registration_values(enterprise: Enterprise) -> dict[str, Any]:
    """`registration_values` of a stored enterprise (its town read with select_related)."""
    return registration_values(
        uscc=enterprise.uscc,
        established_on=enterprise.established_on,
        industry_code=enterprise.industry_id,
        town_code=enterprise.town.code if enterprise.town_id and enterprise.town else None,
        registered_capital=enterprise.registered_capital,
    )
