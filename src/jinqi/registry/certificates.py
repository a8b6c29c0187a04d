"""Statuses that follow a certificate's validity (高新技术企业, 专精特新), worked out for a date.

`is_high_tech` is true while `high_tech_certificate_until` is on or after the evaluation date
(the certificate is valid through its last day) and false from the day after. Without a date the
yes/no a department gave counts, as it did before the dates existed; with neither the status is
unknown (NULL), like any fact nobody supplied. When both are known the date decides: a
revocation is recorded as the date the certificate stopped being valid.

The profile stores the supplied values only; every reader derives the status for its own date
(`profile_dict` for today, policy evaluation and matching for their as-of date), as `age_years`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from jinqi.registry.vocabulary import VALID_UNTIL


def certificate_held(valid_until: Any, stated: bool | None, on: dt.date) -> bool | None:
    """The status on `on` from the date the certificate is valid until (a date or ISO text) and
    the yes/no a department gave."""
    if valid_until is None or valid_until == "":
        return stated
    if isinstance(valid_until, str):
        valid_until = dt.date.fromisoformat(valid_until)
    return bool(valid_until >= on)


def with_certificates(values: Mapping[str, Any], on: dt.date) -> dict[str, Any]:
    """A profile (key → value) with each certificate status worked out for `on`."""
    profile = dict(values)
    for status, until in VALID_UNTIL.items():
        if status in profile or until in profile:
            profile[status] = certificate_held(profile.get(until), profile.get(status), on)
    return profile


def keys_needed(keys: Iterable[str]) -> list[str]:
    """`keys` and the validity dates their certificate statuses are worked out from."""
    needed = list(keys)
    for status, until in VALID_UNTIL.items():
        if status in needed and until not in needed:
            needed.append(until)
    return needed


def certificate_columns(table: pa.Table, on: dt.date) -> pa.Table:
    """`with_certificates` for a columnar profile: each status column that has its date column
    next to it replaced by the status on `on`."""
    for status, until in VALID_UNTIL.items():
        if status not in table.column_names or until not in table.column_names:
            continue
        dates = pc.cast(table[until], pa.date32())
        held = pc.if_else(
            pc.is_null(dates), table[status], pc.greater_equal(dates, pa.scalar(on, pa.date32()))
        )
        table = table.set_column(table.column_names.index(status), status, held)
    return table
