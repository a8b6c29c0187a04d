"""Certificate statuses (高新技术企业, 专精特新) follow the validity date for the evaluation date.

The vocabulary's decision, at the boundaries: a certificate valid until today holds today and
lapses tomorrow; without a date the department's own yes/no counts; with neither the status is
unknown (None), like any fact nobody supplied.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.test import Client
from django.urls import reverse

from jinqi.accounts.models import Department
from jinqi.accounts.services import system_user
from jinqi.accounts.tests.factories import department_user
from jinqi.core import clock
from jinqi.core.errors import DomainError
from jinqi.demo import synth
from jinqi.policies.evaluation import prepared_profile
from jinqi.policies.snapshot import profiles_snapshot
from jinqi.registry.exporting import profiles_export
from jinqi.registry.importing import registry_import
from jinqi.registry.models import Profile
from jinqi.registry.profile import dated_columns, dated_values
from jinqi.registry.selectors import profile_dict
from jinqi.registry.tests.factories import enterprise, facts, stored_facts
from jinqi.registry.uscc import generate_uscc

TODAY = dt.date(2026, 3, 31)
YESTERDAY = TODAY - dt.timedelta(days=1)


def certificate_held(valid_until: object, stated: bool | None, on: dt.date) -> bool | None:
    """The high-tech status one enterprise's profile gets for `on`."""
    values = {"high_tech_certificate_until": valid_until, "is_high_tech": stated}
    return dated_values(values, on)["is_high_tech"]


@pytest.mark.parametrize(
    ("valid_until", "stated", "held"),
    [
        (TODAY, None, True),  # valid through its last day
        (YESTERDAY, None, False),  # lapsed the day after
        (TODAY + dt.timedelta(days=900), None, True),
        ("2026-03-31", None, True),  # as facts store it
        ("2026-03-30", None, False),
        (YESTERDAY, True, False),  # the date decides when both are known
        (TODAY, False, True),
        (None, True, True),  # a department that sends only the yes/no
        (None, False, False),
        (None, None, None),  # nobody said anything: unknown
    ],
)
def test_status_on_a_date(valid_until: object, stated: bool | None, held: bool | None) -> None:
    """The status for the evaluation date, from the validity date and the stated yes/no."""
    assert certificate_held(valid_until, stated, TODAY) is held


def test_columnar_status_agrees_with_the_scalar_rule() -> None:
    """The vectorised derivation (matching, export) gives what `certificate_held` gives."""
    cases = [(TODAY, None), (YESTERDAY, None), (YESTERDAY, True), (None, True), (None, None)]
    table = pa.table(
        {
            "is_high_tech": pa.array([s for _d, s in cases], pa.bool_()),
            "high_tech_certificate_until": pa.array([d for d, _s in cases], pa.date32()),
        }
    )
    derived = dated_columns(table, TODAY)["is_high_tech"].to_pylist()
    assert derived == [certificate_held(d, s, TODAY) for d, s in cases]


@pytest.mark.django_db
def test_profile_reads_the_status_for_today_and_it_lapses_on_time() -> None:
    """A certificate valid until today shows as held today and as not held tomorrow, with no
    new delivery; the profile stores only what the department supplied."""
    firm = enterprise()
    facts(firm, "science", dt.date(2025, 6, 30), high_tech_certificate_until=TODAY)
    with clock.frozen_at(dt.datetime.combine(TODAY, dt.time(12))):
        assert profile_dict(firm)["is_high_tech"] is True
        assert profile_dict(firm)["high_tech_certificate_until"] == TODAY
        clock.advance(dt.timedelta(days=1))
        assert profile_dict(firm)["is_high_tech"] is False
    stored = Profile.objects.filter(enterprise=firm).values_list("is_high_tech", flat=True)
    assert list(stored) == [None]  # nothing stated: the profile keeps only what was supplied


@pytest.mark.django_db
def test_a_department_that_sends_only_the_yes_no_keeps_working() -> None:
    """The boolean alone is still accepted and read as before; a later date then decides."""
    firm = enterprise()
    facts(firm, "science", dt.date(2024, 6, 30), is_high_tech=True)
    assert profile_dict(firm)["is_high_tech"] is True
    facts(firm, "science", dt.date(2025, 6, 30), high_tech_certificate_until="2025-01-31")
    assert profile_dict(firm)["is_high_tech"] is False
    assert [f.value for f in stored_facts(firm, "is_high_tech")] == [True]  # history kept


@pytest.mark.django_db
def test_an_unreadable_validity_date_is_refused_and_nothing_recorded() -> None:
    """A validity date that is not a date gets a clear message and records no fact."""
    firm = enterprise()
    with pytest.raises(DomainError) as caught:
        facts(firm, "science", TODAY, high_tech_certificate_until="明年")
    assert "high_tech_certificate_until" in str(caught.value.message)
    assert "2022-06-30" in str(caught.value.message)
    assert stored_facts(firm) == []


def test_policy_evaluation_derives_the_status_for_its_as_of_date() -> None:
    """A rule evaluated for a date sees the certificate as held through its last day only."""
    values = {"high_tech_certificate_until": "2026-03-31", "is_high_tech": None}
    assert prepared_profile(values, TODAY)["is_high_tech"] is True
    assert prepared_profile(values, TODAY + dt.timedelta(days=1))["is_high_tech"] is False
    assert prepared_profile({"is_high_tech": True}, TODAY)["is_high_tech"] is True


@pytest.mark.django_db
def test_matching_snapshot_derives_the_status_for_its_as_of_date() -> None:
    """The columnar snapshot used for matching loads the dates and derives the status."""
    lapses = enterprise()
    stated = enterprise()
    facts(lapses, "science", TODAY, high_tech_certificate_until=TODAY)
    facts(stated, "science", TODAY, is_high_tech=True)
    for day, expected in ((TODAY, [True, True]), (TODAY + dt.timedelta(days=1), [False, True])):
        ids, snapshot = profiles_snapshot(["is_high_tech"], day)
        held = dict(zip(ids, snapshot.table["is_high_tech"].to_pylist(), strict=True))
        assert [held[lapses.pk], held[stated.pk]] == expected


@pytest.mark.django_db
def test_export_writes_the_status_of_the_export_day(tmp_path: Path) -> None:
    """The Parquet export carries the validity date and the status derived for its day."""
    firm = enterprise()
    facts(firm, "science", TODAY, high_tech_certificate_until=YESTERDAY, is_high_tech=True)
    profiles_export(tmp_path / "profiles.parquet")
    [row] = pq.read_table(tmp_path / "profiles.parquet").to_pylist()
    assert (row["high_tech_certificate_until"], row["is_high_tech"]) == (YESTERDAY, False)


@pytest.mark.django_db
def test_import_reads_validity_columns_by_their_chinese_headings(tmp_path: Path) -> None:
    """A CSV with 高新技术企业证书编号/有效期至 and 专精特新有效期至 records the dates."""
    firm = enterprise()
    path = tmp_path / "认定名单.csv"
    path.write_text(
        "统一社会信用代码,高新技术企业证书编号,高新技术企业证书有效期至,专精特新有效期至\n"
        f"{firm.uscc},GR202431000587,2027/11/18,2026年12月31日\n",
        encoding="utf-8",
    )
    result = registry_import(
        path=path, source=Department.objects.get(code="science"), acting_user=system_user()
    )
    assert (result.imported, result.rejected) == (1, 0)
    profile = Profile.objects.filter(enterprise=firm).values().get()
    assert profile["high_tech_certificate_number"] == "GR202431000587"
    assert profile["high_tech_certificate_until"] == dt.date(2027, 11, 18)
    assert profile["specialised_sme_until"] == dt.date(2026, 12, 31)


@pytest.mark.django_db
def test_parquet_dates_take_the_columnar_path_and_store_as_a_csv_would(tmp_path: Path) -> None:
    """A date32 validity column is accepted column-wise and stored as the row path stores it."""
    rng = random.Random(31)
    codes = [generate_uscc(rng), generate_uscc(rng)]
    table = pa.table(
        {
            "uscc": codes,
            "name": ["甲公司", "乙公司"],
            "high_tech_certificate_until": pa.array([dt.date(2027, 1, 1), None], pa.date32()),
        }
    )
    pq.write_table(table, tmp_path / "certs.parquet")
    result = registry_import(
        path=tmp_path / "certs.parquet",
        source=Department.objects.get(code="science"),
        acting_user=system_user(),
    )
    assert (result.imported, result.rejected) == (2, 0)
    [fact] = stored_facts(key="high_tech_certificate_until")
    assert fact.value == "2027-01-01"
    until = dict(Profile.objects.values_list("enterprise__uscc", "high_tech_certificate_until"))
    assert until == {codes[0]: dt.date(2027, 1, 1), codes[1]: None}


def test_synthetic_certificates_agree_with_their_yes_no_on_the_reference_date() -> None:
    """Synthetic holders are certified within three years and valid on the reference date;
    lapsed certificates say no; no date means no certificate was ever held."""
    table = synth.synth_table(count=3000, seed=11)
    rows = table.select(
        ["established_on", "is_high_tech", "high_tech_certificate_number",
         "high_tech_certificate_until", "is_specialised_sme", "specialised_sme_until"]
    ).to_pylist()  # fmt: skip
    reference = synth.REFERENCE_DATE
    for row in rows:
        for status, until in (
            ("is_high_tech", "high_tech_certificate_until"),
            ("is_specialised_sme", "specialised_sme_until"),
        ):
            expected = row[until] is not None and row[until] >= reference
            assert row[status] is expected
            if row[until] is not None:
                issued = row[until] - dt.timedelta(days=3 * 365 - 1)
                assert issued > row["established_on"]
        assert (row["high_tech_certificate_number"] is None) is (
            row["high_tech_certificate_until"] is None
        )
    assert any(r["high_tech_certificate_until"] and not r["is_high_tech"] for r in rows)


@pytest.mark.django_db
def test_record_page_shows_the_validity_date() -> None:
    """Department staff see whether the certificate is held, until when, and its number."""
    firm = enterprise()
    facts(
        firm,
        "science",
        TODAY,
        high_tech_certificate_until="2027-11-18",
        high_tech_certificate_number="GR202431000587",
    )
    client = Client()
    client.force_login(department_user("science"))
    page = client.get(reverse("registry:detail", args=[firm.uscc])).content.decode()
    assert "有效期至 2027-11-18" in page
    assert "GR202431000587" in page
