"""`jinqi policies match --all --engine duckdb|spark`: the engine scans the matching export
and the stored matches (outcome, missing data, run counts) are those the vectorised executor
stores, for rules over stored, dated and derived fields."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from jinqi.accounts.tests.factories import department_user
from jinqi.policies.models import Match, MatchRun
from jinqi.policies.services import matches_recompute_all, policy_publish
from jinqi.policies.tests.factories import employer, policy
from jinqi.registry.enums import RegistrationStatus
from jinqi.registry.exporting import ENTERPRISE_ID
from jinqi.registry.models import Enterprise

pytestmark = pytest.mark.django_db

RULES = {
    "small-and-young": "employees <= 30 AND age_years < 10",
    "old-or-unknown": "age_years >= 10 OR employees IS NULL",
    "manufacturing": "industry_section = 'C' AND employees BETWEEN 10 AND 500",
    "high-tech": "is_high_tech OR tech_staff_ratio > 0.1",
}


def matching_world() -> None:
    """Enterprises of every kind (missing figures, young and old, one deregistered) and the
    policies of `RULES`, published, beside the shipped catalogue's."""
    for employees, founded in ((12, 2020), (None, 2010), (40, 2001), (400, 2019), (8, 1999)):
        employer(employees, established_on=dt.date(founded, 3, 1))
    gone = employer(5)
    Enterprise.objects.filter(pk=gone.pk).update(status=RegistrationStatus.CANCELLED)
    staff = department_user("human-resources")
    for code, sql in RULES.items():
        policy_publish(policy=policy(staff, code=code, sql=sql), acting_user=staff)


def stored(runs: list[MatchRun]) -> tuple[set[tuple[Any, ...]], list[tuple[Any, ...]]]:
    rows = Match.objects.values_list("policy__code", "enterprise_id", "outcome", "missing")
    matches = {(code, pk, outcome, tuple(missing)) for code, pk, outcome, missing in rows}
    counts = [(r.policy.code, r.eligible, r.unknown, r.enterprises) for r in runs]
    return matches, sorted(counts)


def assert_engine_stores_the_same(engine: str, tmp_path: Path) -> None:
    matching_world()
    vector = stored(matches_recompute_all())
    assert {outcome for _code, _pk, outcome, _missing in vector[0]} == {"eligible", "unknown"}
    assert set(RULES) <= {code for code, *_counts in vector[1]}  # the catalogue's too
    export = tmp_path / "profiles.parquet"
    assert stored(matches_recompute_all(engine=engine, export=export)) == vector
    table = pq.read_table(export)
    active = Enterprise.objects.active()
    assert sorted(table.column(ENTERPRISE_ID).to_pylist()) == sorted(
        active.values_list("pk", flat=True)
    )
    assert "age_years" in table.column_names


def test_duckdb_matching_stores_what_the_vectorised_run_stores(tmp_path: Path) -> None:
    """DuckDB over the matching export stores the vectorised run's matches and counts."""
    assert_engine_stores_the_same("duckdb", tmp_path)


@pytest.mark.slow
@pytest.mark.spark
def test_spark_matching_stores_what_the_vectorised_run_stores(spark: Any, tmp_path: Path) -> None:
    """Spark over the matching export stores the vectorised run's matches and counts."""
    assert_engine_stores_the_same("spark", tmp_path)
