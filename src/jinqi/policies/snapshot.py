"""Every enterprise's profile as a columnar snapshot for the vectorised executor, with the keys
derived for the evaluation date (age_years, the certificate statuses) derived for that date by
the profile pipeline (`registry.profile`)."""

from __future__ import annotations

import datetime

from jinqi.registry.exporting import profiles_table
from jinqi.registry.profile import dated_columns, keys_read
from jinqi.rules.vector import Snapshot


def profiles_snapshot(keys: list[str], as_of: datetime.date) -> tuple[list[int], Snapshot]:
    ids, table = profiles_table(keys_read(keys))
    return ids, Snapshot(dated_columns(table, as_of, keys))
