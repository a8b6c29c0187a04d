"""Every enterprise's profile as a columnar snapshot for the vectorised executor, with the keys
that depend on the evaluation date (age_years, the certificate statuses) derived for that date."""

from __future__ import annotations

import datetime

import pyarrow as pa
import pyarrow.compute as pc

from jinqi.registry.certificates import certificate_columns, keys_needed
from jinqi.registry.exporting import profiles_table
from jinqi.rules.vector import Snapshot


def profiles_snapshot(keys: list[str], as_of: datetime.date) -> tuple[list[int], Snapshot]:
    stored = keys_needed(k for k in keys if k != "age_years")
    if "age_years" in keys and "established_on" not in stored:
        stored.append("established_on")
    ids, table = profiles_table(stored)
    if "age_years" in keys:
        table = table.append_column("age_years", completed_years(table["established_on"], as_of))
    return ids, Snapshot(certificate_columns(table, as_of))


def completed_years(dates: pa.ChunkedArray, as_of: datetime.date) -> pa.ChunkedArray:
    """Whole years from each date to `as_of`, an anniversary counting once reached."""
    years = pc.subtract(as_of.year, pc.year(dates))
    before_anniversary = pc.or_(
        pc.greater(pc.month(dates), as_of.month),
        pc.and_(pc.equal(pc.month(dates), as_of.month), pc.greater(pc.day(dates), as_of.day)),
    )
    result = pc.subtract(years, pc.cast(before_anniversary, pa.int64()))
    return pc.max_element_wise(result, 0)
