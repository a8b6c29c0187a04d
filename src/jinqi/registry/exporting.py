"""Bulk export of the materialised profiles as Parquet, for rule packs and analysis.

The profile holds no personal data (names and phones stay on the registration record), so the
export needs no masking. The certificate statuses are exported as of the day of the export
(`registry.profile.dated_columns`); age_years, which changes every day for everyone, is left out.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from jinqi.core import clock
from jinqi.registry.models import Enterprise, Profile
from jinqi.registry.profile import TYPES, dated_columns
from jinqi.registry.vocabulary import FIELDS, VALID_UNTIL

BATCH = 50_000


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
    }
)


def profiles_export(path: Path) -> int:
    """Write every profile to `path` in batches; returns the number of rows."""
    today = clock.today()
    schema = profile_schema()
    names = schema.names
    column_of = {"uscc": "enterprise__uscc"}
    fields = [column_of.get(n, n) for n in names]
    rows = 0
    with pq.ParquetWriter(str(path), schema) as writer:
        queryset = Profile.objects.order_by("enterprise_id").values_list(*fields)
        batch: list[tuple[object, ...]] = []
        for row in queryset.iterator(chunk_size=BATCH):
            batch.append(row)
            if len(batch) == BATCH:
                writer.write_table(dated_columns(_table(batch, schema), today, VALID_UNTIL))
                rows += len(batch)
                batch = []
        if batch:
            writer.write_table(dated_columns(_table(batch, schema), today, VALID_UNTIL))
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
