"""Bulk export of the materialised profiles as Parquet, for rule packs and analysis.

The profile holds no personal data (names and phones stay on the registration record), so the
export needs no masking. The certificate statuses are exported as of the day of the export
(`registry.profile.dated_columns`); age_years, which changes every day for everyone, is left out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from django.db.models import QuerySet

from jinqi.core import clock
from jinqi.registry.models import Enterprise, Profile
from jinqi.registry.profile import TYPES, dated_columns
from jinqi.registry.vocabulary import FIELDS, VALID_UNTIL

BATCH = 50_000
ENTERPRISE_ID = "enterprise_id"  # the matching export's key column


def profile_schema() -> pa.Schema:
    columns = [f for f in FIELDS if f.key != "age_years"]
    return pa.schema(
        [
            pa.field(
                f.key,
                pa.dictionary(pa.int32(), pa.string())
                if f.key in DICTIONARY_KEYS
                else TYPES[f.key],
            )
            for f in columns
        ]
    )


# Categorical columns travel as dictionary codes (the vectorised rules engine counts on it).
DICTIONARY_KEYS = frozenset(
    {
        "industry_code",
        "industry_section",
        "industry_division",
        "town",
        "tax_credit_level",
        "market_risk_class",
        "size_class",
        "entity_type",
    }
)


def profiles_export(path: Path) -> int:
    """Write every profile to `path` in batches; returns the number of rows."""
    today = clock.today()
    queryset = Profile.objects.order_by("enterprise_id")
    return _export(path, queryset, profile_schema(), lambda t: dated_columns(t, today, VALID_UNTIL))


def matching_export(path: Path, on: dt.date) -> int:
    """Write the profile of every active enterprise as a matching run reads it: its
    `enterprise_id`, the stored keys and every field derived for `on` (age_years included);
    returns the number of rows. An engine scans the file (`jinqi policies match --engine`)."""
    schema = pa.schema([pa.field(ENTERPRISE_ID, pa.int64()), *profile_schema()])
    queryset = Profile.objects.filter(enterprise__in=Enterprise.objects.active()).order_by(
        "enterprise_id"
    )
    return _export(path, queryset, schema, lambda t: dated_columns(t, on))


def _export(
    path: Path,
    queryset: QuerySet[Profile],
    schema: pa.Schema,
    dated: Callable[[pa.Table], pa.Table],
) -> int:
    column_of = {"uscc": "enterprise__uscc"}
    fields = [column_of.get(n, n) for n in schema.names]
    rows = 0
    with pq.ParquetWriter(str(path), dated(schema.empty_table()).schema) as writer:
        batch: list[tuple[object, ...]] = []
        for row in queryset.values_list(*fields).iterator(chunk_size=BATCH):
            batch.append(row)
            if len(batch) == BATCH:
                writer.write_table(dated(_table(batch, schema)))
                rows += len(batch)
                batch = []
        if batch:
            writer.write_table(dated(_table(batch, schema)))
            rows += len(batch)
    return rows


def _table(rows: list[tuple[object, ...]], schema: pa.Schema) -> pa.Table:
    columns = list(zip(*rows, strict=True))
    arrays = []
    for field, values in zip(schema, columns, strict=True):
        if pa.types.is_dictionary(field.type):
            arrays.append(pa.array(values, type=pa.string()).dictionary_encode())
        else:
            arrays.append(pa.array(values, type=field.type))
    return pa.Table.from_arrays(arrays, schema=schema)


def profiles_table(keys: list[str]) -> tuple[list[int], pa.Table]:
    """The stored profile columns `keys` of every active enterprise, in memory, as Arrow
    (categorical keys dictionary-encoded), with the enterprises' ids in row order."""
    schema = profile_schema()
    stored = [k for k in keys if k in schema.names]
    column_of = {"uscc": "enterprise__uscc"}
    rows = list(
        Profile.objects.filter(enterprise__in=Enterprise.objects.active())
        .order_by("enterprise_id")
        .values_list("enterprise_id", *[column_of.get(k, k) for k in stored])
    )
    ids = [row[0] for row in rows]
    sub_schema = pa.schema([schema.field(k) for k in stored])
    if not rows:
        return ids, sub_schema.empty_table()
    return ids, _table([row[1:] for row in rows], sub_schema)
