"""The profile pipeline (`registry.profile`): an enterprise derived on its own and the same
enterprise derived among many, column by column as the import does, get the same profile, for
any delivery and any evaluation date."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from jinqi.accounts.models import Department
from jinqi.registry.derivation import highest_before_newest
from jinqi.registry.importing.columnar import capital_text, profile_columns
from jinqi.registry.profile import (
    PROFILE_KEYS,
    dated_columns,
    dated_values,
    profile_on,
    profile_rows,
    registration_values,
)
from jinqi.registry.selectors import source_names

TOWNS = {1: "jinshanwei", 2: "zhujing"}
INDUSTRIES = ["C3511", "C26", "F5111", "H6110", "I6513", "K7010", "L7211", "M7320", "J6621", "C"]
YEARS = (2021, 2022, 2023, 2024)
# Fact reference → Arrow type of the column the import reads it from.
FACTS: dict[str, pa.DataType] = {
    **{f"employees@{y}": pa.int64() for y in YEARS},
    **{f"revenue@{y}": pa.float64() for y in YEARS},
    **{f"rd_expense@{y}": pa.float64() for y in YEARS},
    **{f"total_assets@{y}": pa.float64() for y in YEARS[2:]},
    **{f"industrial_output@{y}": pa.float64() for y in YEARS[1:]},
    "is_high_tech": pa.bool_(),
    "high_tech_certificate_until": pa.string(),
    "is_specialised_sme": pa.bool_(),
    "specialised_sme_until": pa.string(),
    "tax_credit_level": pa.string(),
}
dates = st.dates(dt.date(2015, 1, 1), dt.date(2030, 12, 31))
money = st.floats(0, 500_000, allow_nan=False).map(lambda v: round(v, 2))
FACT_VALUES = {
    pa.int64(): st.integers(0, 5000),
    pa.float64(): money,
    pa.bool_(): st.booleans(),
}


def _fact(ref: str, kind: pa.DataType) -> st.SearchStrategy[Any]:
    if ref.endswith("_until"):
        return dates.map(dt.date.isoformat)
    if ref == "tax_credit_level":
        return st.sampled_from(["A", "B", "M"])
    return FACT_VALUES[kind]


rows = st.fixed_dictionaries(
    {
        "established_on": st.none() | dates,
        "industry_id": st.none() | st.sampled_from(INDUSTRIES),
        "town_id": st.none() | st.sampled_from(sorted(TOWNS)),
        "registered_capital": st.none() | money,
        **{ref: st.none() | _fact(ref, kind) for ref, kind in FACTS.items()},
    }
)


def _columnar(records: list[dict[str, Any]], on: dt.date) -> list[dict[str, Any]]:
    """The import's path: every enterprise in one table, then the snapshot's dated columns."""
    table = pa.table(
        {
            "number": pa.array(range(len(records)), pa.int64()),
            "uscc": pa.array([f"code{k}" for k in range(len(records))]),
            "established_on": pa.array([r["established_on"] for r in records], pa.date32()),
            "industry_id": pa.array([r["industry_id"] for r in records], pa.string()),
            "town_id": pa.array([r["town_id"] for r in records], pa.int64()),
            "registered_capital": pa.array(
                [r["registered_capital"] for r in records], pa.float64()
            ),
            **{ref: pa.array([r[ref] for r in records], kind) for ref, kind in FACTS.items()},
        }
    )
    stored = profile_columns(table, TOWNS, capital_text(table))
    columns = pa.table({key: stored.get(key, pa.nulls(len(records))) for key in PROFILE_KEYS})
    return dated_columns(columns, on).to_pylist()


def _single(record: dict[str, Any], number: int, on: dt.date) -> dict[str, Any]:
    """The refresh's path for one enterprise, then its profile for the date."""
    registration = registration_values(
        uscc=f"code{number}",
        established_on=record["established_on"],
        industry_code=record["industry_id"],
        town_code=TOWNS.get(record["town_id"]),
        registered_capital=(
            None
            if record["registered_capital"] is None
            else Decimal(f"{record['registered_capital']:.2f}")
        ),
    )
    current = {ref: record[ref] for ref in FACTS if record[ref] is not None}
    [stored] = profile_rows([(registration, current)])
    return dated_values(stored, on)


def _comparable(profile: dict[str, Any]) -> dict[str, Any]:
    return {
        key: dt.date.fromisoformat(value)
        if isinstance(value, str) and key.endswith("_until")
        else value
        for key, value in profile.items()
    }


@settings(max_examples=60, deadline=None)
@given(records=st.lists(rows, min_size=1, max_size=6), on=dates)
def test_one_enterprise_and_many_get_the_same_profile(
    records: list[dict[str, Any]], on: dt.date
) -> None:
    """For random deliveries and dates, each enterprise's profile derived alone equals its row
    of the profiles derived column by column."""
    columnar = _columnar(records, on)
    for number, record in enumerate(records):
        assert _comparable(_single(record, number, on)) == _comparable(columnar[number])


def test_a_year_given_as_unknown_is_the_current_value() -> None:
    """A yearly figure recorded as unknown for its newest year makes the current value unknown,
    while the earlier years still count towards the three-year sum."""
    registration = registration_values(
        uscc="x", established_on=None, industry_code=None, town_code=None, registered_capital=None
    )
    current = {"revenue@2021": 1.0, "revenue@2022": 2.0, "revenue@2023": 3.0, "revenue@2024": None}
    [stored] = profile_rows([(registration, current)])
    assert (stored["revenue"], stored["revenue_3y"]) == (None, 6.0)


def test_a_given_profile_keeps_its_values_and_gains_the_derived_ones() -> None:
    """The evaluate API's profile: what the caller gives stands, the rest is derived for the
    date (age, certificate status, industry section, size class)."""
    profile = profile_on(
        {
            "established_on": "2020-07-01",
            "industry_code": "C3511",
            "employees": 50,
            "revenue": 3000,
            "high_tech_certificate_until": "2026-03-31",
            "industry_division": "99",
        },
        dt.date(2026, 4, 1),
    )
    assert profile["established_on"] == dt.date(2020, 7, 1)
    assert profile["age_years"] == 5
    assert profile["is_high_tech"] is False
    assert (profile["industry_section"], profile["industry_division"]) == ("C", "99")
    assert profile["size_class"] == "small"
    assert profile["revenue"] == 3000


def test_the_highest_output_before_the_newest_year_is_per_enterprise() -> None:
    """`industrial_output_prev_max` is the highest output of each enterprise's years before its
    own newest year, and missing when it has no earlier year."""
    years = [
        (2022, pa.array([50.0, None, 10.0, None], pa.float64())),
        (2023, pa.array([80.0, 30.0, None, None], pa.float64())),
        (2024, pa.array([20.0, None, 40.0, 70.0], pa.float64())),
    ]
    assert highest_before_newest(years, 4).to_pylist() == [80.0, None, 10.0, None]
    assert highest_before_newest([], 2).to_pylist() == [None, None]


@pytest.mark.django_db
def test_sources_are_named_never_by_a_department_code() -> None:
    """A source on the platform is its department's name, a derived field the platform, and a
    department not yet on the platform the name the vocabulary gives it, not its code."""
    with translation.override("zh-hans"):
        names = source_names(["human-resources", "derived", "ecology-environment", "no-such"])
        assert names["human-resources"] == "区人社局"
        assert names["derived"] == "由平台计算"
        assert names["ecology-environment"] == "区生态环境局"
        assert names["no-such"] == "相关部门（尚未接入平台）"
        # A district that has not put the bureau on the platform yet reads the vocabulary's name.
        Department.objects.filter(code="ecology-environment").delete()
        off = source_names(["ecology-environment"])
    assert off["ecology-environment"] == "区生态环境局（尚未接入平台）"
