"""Bulk import: every format, every kind of bad file, facts with history, the profile, resumable
chunks, and a process killed part-way."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import openpyxl
import psycopg
import pyarrow.parquet as pq
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import translation

from jinqi.accounts.models import Department
from jinqi.accounts.services import system_user
from jinqi.accounts.tests.factories import UserFactory, department_user
from jinqi.audit.enums import AuditAction
from jinqi.audit.models import AuditEvent
from jinqi.core import clock
from jinqi.core.errors import DomainError
from jinqi.core.uploads import may_download
from jinqi.demo import synth
from jinqi.registry import loading, services
from jinqi.registry.importing import ImportFileError, ImportResult, indexes, registry_import
from jinqi.registry.importing import batch as batch_module
from jinqi.registry.models import Delivery, Enterprise, ImportBatch, Profile
from jinqi.registry.tests.factories import enterprise as make_enterprise
from jinqi.registry.tests.factories import facts as record_facts
from jinqi.registry.tests.factories import stored_facts
from jinqi.registry.uscc import generate_uscc

pytestmark = pytest.mark.django_db

_rng = random.Random(2017)
HEADER = ["uscc", "name", "industry_code", "town", "established_on", "employees_2024",
          "revenue_2024", "total_assets_2024", "tax_credit_level"]  # fmt: skip


def code() -> str:
    return generate_uscc(_rng)


def good_row(uscc: str | None = None, **overrides: Any) -> list[Any]:
    values = {
        "uscc": code() if uscc is None else uscc,
        "name": f"上海测试化工有限公司{_rng.randint(10000, 99999)}",
        "industry_code": "C3511",
        "town": "town-caojing",
        "established_on": "2015-06-01",
        "employees_2024": "350",
        "revenue_2024": "2500",
        "total_assets_2024": "8000",
        "tax_credit_level": "A",
        **overrides,
    }
    return [values[column] for column in HEADER]


def csv_file(
    path: Path, rows: list[list[Any]], header: list[str] = HEADER, encoding: str = "utf-8-sig"
) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def run(path: Path, source: str = "market-regulation", **options: Any) -> ImportResult:
    with translation.override("en"):
        return registry_import(
            path=path,
            source=Department.objects.get(code=source),
            acting_user=system_user(),
            **options,
        )


def profile(uscc: str) -> dict[str, Any]:
    """The enterprise's materialised profile row, column by column."""
    return dict(Profile.objects.filter(enterprise__uscc=uscc).values().get())


def report_rows(result: ImportResult) -> list[list[str]]:
    """The error report's rows (after its header) as the department downloads it."""
    stored = result.batch.error_report
    assert stored is not None
    with stored.file.open("rb") as handle:
        text = handle.read().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["row", "uscc", "reason"]
    return rows[1:]


def refused(path: Path) -> str:
    with pytest.raises(ImportFileError) as caught:
        run(path)
    return str(caught.value)


# Formats ---------------------------------------------------------------------------------------


def test_good_csv_imports_enterprises_facts_and_profiles(tmp_path: Path) -> None:
    """A UTF-8 CSV with a BOM creates the enterprises, their facts and their profile rows."""
    rows = [good_row(), good_row(employees_2024="12", revenue_2024="150")]
    result = run(csv_file(tmp_path / "firms.csv", rows), as_of=dt.date(2025, 6, 30))
    assert (result.rows, result.imported, result.rejected, result.created) == (2, 2, 0, 2)
    assert result.batch.state == ImportBatch.State.COMPLETED
    assert result.batch.error_report is None
    first = Enterprise.objects.get(uscc=rows[0][0])
    assert first.industry_id == "C3511"
    assert first.town is not None and first.town.code == "town-caojing"
    assert first.established_on == dt.date(2015, 6, 1)
    [revenue] = [f for f in stored_facts(first, "revenue") if f.year == 2024]
    assert (revenue.value, revenue.is_current, revenue.as_of) == (2500, True, dt.date(2025, 6, 30))
    assert revenue.source.code == "market-regulation" and revenue.batch == result.batch
    row = profile(first.uscc)
    assert (row["revenue"], row["employees"], row["tax_credit_level"]) == (2500, 350, "A")
    assert (row["industry_section"], row["industry_division"], row["town"]) == (
        "C",
        "35",
        "town-caojing",
    )
    assert row["size_class"] == "medium"
    assert profile(rows[1][0])["size_class"] == "micro"


def test_gbk_csv_with_chinese_headings_imports(tmp_path: Path) -> None:
    """A GBK CSV headed with the register's Chinese column names and status words imports."""
    header = ["统一社会信用代码", "企业名称", "登记状态", "所属街镇", "注册资本", "营业收入_2024"]
    row = [code(), "上海漕泾新材料有限公司", "存续", "漕泾镇", "500", "1,200"]
    result = run(csv_file(tmp_path / "gbk.csv", [row], header, encoding="gbk"))
    assert result.imported == 1
    firm = Enterprise.objects.get(uscc=row[0])
    assert (firm.name, firm.status, str(firm.registered_capital)) == (
        "上海漕泾新材料有限公司",
        "active",
        "500.00",
    )
    assert firm.town is not None and firm.town.code == "town-caojing"
    assert [f.value for f in stored_facts(firm, "revenue")] == [1200]


def test_xlsx_imports_typed_cells(tmp_path: Path) -> None:
    """An XLSX workbook imports, with dates, numbers and a phone stored as a number."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["uscc", "name", "established_on", "contact_phone", "employees_2024"])
    uscc = code()
    sheet.append([uscc, "上海亭林机械有限公司", dt.datetime(2012, 3, 4), 13812345678, 42])
    path = tmp_path / "firms.xlsx"
    book.save(path)
    result = run(path)
    assert result.imported == 1
    firm = Enterprise.objects.get(uscc=uscc)
    assert (firm.established_on, firm.contact_phone) == (dt.date(2012, 3, 4), "13812345678")
    assert profile(uscc)["employees"] == 42


def test_synthetic_parquet_imports_every_row_and_fact(tmp_path: Path) -> None:
    """A synthetic Parquet file imports every enterprise with every figure it holds."""
    path = tmp_path / "population.parquet"
    synth.synth_write(path, count=60, seed=8)
    table = pq.read_table(path)
    result = run(path, chunk_size=25)
    assert (result.rows, result.imported, result.rejected) == (60, 60, 0)
    assert Enterprise.objects.count() == 60 == Profile.objects.count()
    registration = set(synth.REGISTRATION_COLUMNS)
    cells = sum(
        table.num_rows - table.column(name).null_count
        for name in table.column_names
        if name not in registration
    )
    assert len(stored_facts()) == cells == result.facts
    row = table.slice(0, 1).to_pylist()[0]
    stored = profile(row["uscc"])
    assert stored["town"] == row["town"] and stored["industry_code"] == row["industry_code"]
    assert stored["is_high_tech"] == row["is_high_tech"]
    if row["revenue_2025"] is not None:
        assert stored["revenue"] == pytest.approx(row["revenue_2025"])


def test_size_class_is_derived_for_synthetic_enterprises(tmp_path: Path) -> None:
    """Enterprises with an industry and last year's figures get a size class in their profile."""
    path = tmp_path / "population.parquet"
    synth.synth_write(path, count=80, seed=9)
    run(path)
    classes = set(Profile.objects.values_list("size_class", flat=True))
    assert classes & {"micro", "small"}
    assert Profile.objects.exclude(size_class=None).count() > 40


# Bad files ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "The file enterprises.csv is empty."),
        (b"uscc,name\r\n", "a header row but no data rows"),
        (b"uscc,name\r\n,\r\n\r\n", "a header row but no data rows"),
        ("uscc,name,turnover,营业额\n91310116MA1J,x,1,2\n".encode(), "Unknown columns: “turnover”"),
        (b"name,revenue_2024\nx,1\n", "The file has no uscc column"),
        (b"uscc,size_class\n1,2\n", "size_class is derived by the registry"),
        (b"uscc,revenue\n1,2\n", "revenue is a yearly figure"),
        (b"uscc,tax_credit_level_2024\n1,A\n", "tax_credit_level is not a yearly"),
        ("uscc,name,企业名称\n1,a,b\n".encode(), "Columns 2 and 3 are both name"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01", "its content is PNG"),
        (
            b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\x00",
            "its content is PDF (accepted: CSV, XLSX, PARQUET)",
        ),
        (b"PK\x03\x04\x14\x00\x00\x00garbage", "not an accepted type (accepted: CSV"),
        (b"PAR1garbage", "not a readable Parquet file"),
    ],
)
def test_a_refused_file_says_why_and_imports_nothing(
    tmp_path: Path, content: bytes, expected: str
) -> None:
    """Each kind of unreadable file or wrong header is refused as a whole with a clear message,
    whatever its name claims, and leaves no enterprise, fact or batch behind."""
    path = tmp_path / "enterprises.csv"
    path.write_bytes(content)
    assert expected in refused(path)
    assert not Enterprise.objects.exists()
    assert not Delivery.objects.exists()
    assert not ImportBatch.objects.exists()


BAD_ROWS: list[tuple[dict[str, str], str]] = [
    ({"uscc": "91310116MA1JX8Y5Q0"}, "check digit expected"),
    ({"uscc": "91310116ma1jx8y5q5"}, "lower case is not allowed"),
    ({"uscc": "9131011"}, "must be 18 characters"),
    ({"uscc": ""}, "the unified social credit code is empty"),
    ({"revenue_2024": "about 2500"}, "revenue_2024: “about 2500” is not a number"),
    ({"established_on": "2015-13-45"}, "is not a date"),
    ({"employees_2024": "-3"}, "“-3” cannot be negative"),
    ({"employees_2024": "3.5"}, "is not a whole number"),
    ({"tax_credit_level": "AA"}, "not a tax credit level"),
    ({"industry_code": "C9999"}, "“C9999” is not a GB/T 4754-2017 code"),
    ({"town": "浦东新区"}, "“浦东新区” is not a town, street or park"),
    ({"name": "x" * 10_001}, "longer than 10,000 characters"),
    ({"name": "金山\x85化工有限公司"}, "invisible control character (U+0085)"),
    ({"name": "金山\u202e化工有限公司"}, "direction control character (U+202E)"),
]


@pytest.mark.parametrize(("overrides", "expected"), BAD_ROWS)
def test_a_bad_row_is_reported_and_the_good_rows_imported(
    tmp_path: Path, overrides: dict[str, str], expected: str
) -> None:
    """A row with a bad value goes to the error report with its row number and reason; nothing of
    it is imported, while the good rows around it are."""
    bad = good_row(**overrides)
    rows = [good_row(), bad, good_row()]
    result = run(csv_file(tmp_path / "firms.csv", rows))
    assert (result.imported, result.rejected) == (2, 1)
    [(row, uscc, reason)] = report_rows(result)
    assert (row, uscc) == ("3", bad[0][:40])
    assert expected in reason
    assert Enterprise.objects.count() == 2
    assert not Enterprise.objects.filter(uscc=bad[0]).exists()
    assert result.batch.rows_rejected == 1


def test_duplicate_codes_keep_the_first_row_and_name_it(tmp_path: Path) -> None:
    """A code appearing again is rejected in its later rows, which name the first one."""
    twice = code()
    rows = [good_row(twice, revenue_2024="100"), good_row(), good_row(twice, revenue_2024="999")]
    result = run(csv_file(tmp_path / "firms.csv", rows), chunk_size=2)
    assert report_rows(result) == [
        ["4", twice, "the code appears again (first in row 2); only the first row is imported"]
    ]
    assert [f.value for f in stored_facts(Enterprise.objects.get(uscc=twice), "revenue")] == [100]


def test_every_problem_of_a_row_is_reported(tmp_path: Path) -> None:
    """A row with several bad cells lists all of them in its one report line."""
    rows = [good_row(revenue_2024="n/a", established_on="yesterday", employees_2024="-1")]
    [(_row, _uscc, reason)] = report_rows(run(csv_file(tmp_path / "firms.csv", rows)))
    assert "revenue_2024" in reason and "established_on" in reason and "employees_2024" in reason


def test_a_value_under_no_heading_rejects_its_row(tmp_path: Path) -> None:
    """Unnamed columns are ignored when empty; a value in one rejects the row."""
    path = csv_file(tmp_path / "firms.csv", [[*good_row(), ""], [*good_row(), "stray"]],
                    [*HEADER, ""])  # fmt: skip
    result = run(path)
    assert result.imported == 1
    assert "column 10, which has no heading" in report_rows(result)[0][2]


def test_a_new_enterprise_needs_a_name(tmp_path: Path) -> None:
    """Facts about an enterprise the registry does not know are refused unless the row names it;
    facts about a known one need no name."""
    known = make_enterprise()
    header = ["uscc", "revenue_2024"]
    unknown = code()
    result = run(csv_file(tmp_path / "tax.csv", [[known.uscc, "10"], [unknown, "20"]], header))
    assert (result.imported, result.rejected) == (1, 1)
    assert report_rows(result)[0][:2] == ["3", unknown]
    assert "not in the registry yet" in report_rows(result)[0][2]
    assert [f.value for f in stored_facts(known, "revenue")] == [10]
    known.refresh_from_db()
    assert known.name.startswith("上海金山测试化工有限公司")  # untouched: no name column


def test_a_ten_megabyte_cell_is_rejected_without_reading_it_whole(tmp_path: Path) -> None:
    """A 10 MB cell rejects its row and never sits in memory whole; the next rows import."""
    path = tmp_path / "huge.csv"
    huge = good_row()
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerow(good_row())
        writer.writerow([huge[0], "企" * 10_000_000, *huge[2:]])
        writer.writerow(good_row())
    tracemalloc.start()
    try:
        result = run(path)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (result.imported, result.rejected) == (2, 1)
    assert report_rows(result) == [["3", huge[0], "a cell is longer than 10,000 characters"]]
    assert peak < 16 * 1024 * 1024


def test_csv_field_limit_is_restored_after_reading(tmp_path: Path) -> None:
    """The csv module's global field limit is back to what it was once the import is done."""
    before = csv.field_size_limit()
    run(csv_file(tmp_path / "firms.csv", [good_row()]))
    assert csv.field_size_limit() == before


# History and profile ---------------------------------------------------------------------------


def test_newer_as_of_supersedes_and_older_stays_history(tmp_path: Path) -> None:
    """An import as of a later date makes its figures current; one as of an earlier date is kept
    as history only, and the profile shows the current figure."""
    uscc = code()
    header = ["uscc", "name", "revenue_2024"]

    def at(as_of: dt.date, revenue: str) -> None:
        path = csv_file(
            tmp_path / f"{as_of}.csv", [[uscc, "上海历史测试有限公司", revenue]], header
        )
        run(path, source="tax-jinshan", as_of=as_of)

    at(dt.date(2025, 6, 30), "100")
    at(dt.date(2025, 12, 31), "120")
    at(dt.date(2025, 3, 31), "90")
    facts = [
        f for f in stored_facts(Enterprise.objects.get(uscc=uscc), "revenue") if f.year == 2024
    ]
    assert [(f.value, f.is_current) for f in sorted(facts, key=lambda f: f.as_of)] == [
        (90, False),
        (100, False),
        (120, True),
    ]
    assert profile(uscc)["revenue"] == 120


def test_imported_facts_follow_the_same_rule_as_recorded_ones(tmp_path: Path) -> None:
    """Against facts recorded one by one, an import of the same as-of date supersedes them and an
    earlier one does not."""
    firm = make_enterprise()
    record_facts(
        firm, "human-resources", dt.date(2025, 9, 1), employees_2024=130, employees_2023=90
    )
    header = ["uscc", "employees_2024", "employees_2023"]
    run(csv_file(tmp_path / "same.csv", [[firm.uscc, "140", ""]], header),
        source="human-resources", as_of=dt.date(2025, 9, 1))  # fmt: skip
    run(csv_file(tmp_path / "old.csv", [[firm.uscc, "", "80"]], header),
        source="human-resources", as_of=dt.date(2025, 1, 1))  # fmt: skip
    current = [(f.year, f.value) for f in stored_facts(firm) if f.is_current]
    assert sorted(current) == [(2023, 90), (2024, 140)]
    assert len(stored_facts(firm)) == 4
    assert profile(firm.uscc)["employees"] == 140


def test_registration_columns_update_only_what_the_file_gives(tmp_path: Path) -> None:
    """Reimporting with a new town changes the town and the profile, and an empty cell changes
    nothing."""
    firm = make_enterprise(registered_address="上海市金山区卫零路1号")
    header = ["uscc", "town", "registered_address"]
    run(csv_file(tmp_path / "moved.csv", [[firm.uscc, "枫泾镇", ""]], header))
    firm.refresh_from_db()
    assert firm.town is not None and firm.town.code == "town-fengjing"
    assert firm.registered_address == "上海市金山区卫零路1号"
    assert profile(firm.uscc)["town"] == "town-fengjing"


def test_bulk_profile_equals_the_one_profiles_refresh_builds(tmp_path: Path) -> None:
    """After an import, rebuilding the profile one enterprise at a time changes nothing."""
    firm = make_enterprise()
    record_facts(firm, "science", dt.date(2025, 4, 1), rd_expense_2022=10, rd_expense_2023=12,
                 tech_staff_2024=9, is_high_tech=True)  # fmt: skip
    header = ["uscc", "revenue_2022", "revenue_2023", "revenue_2024", "employees_2024",
              "total_assets_2024", "rd_expense_2024"]  # fmt: skip
    run(csv_file(tmp_path / "tax.csv", [[firm.uscc, "90", "100", "110", "25", "400", "14"]],
                 header))  # fmt: skip
    bulk = profile(firm.uscc)
    services.profiles_refresh([firm.pk])
    one_by_one = profile(firm.uscc)
    assert {k: v for k, v in bulk.items() if k != "refreshed_at"} == {
        k: v for k, v in one_by_one.items() if k != "refreshed_at"
    }
    assert (bulk["revenue_3y"], bulk["rd_expense_3y"], bulk["is_high_tech"]) == (300, 36, True)


def test_headings_may_be_labels_with_the_year_in_brackets(tmp_path: Path) -> None:
    """Chinese headings with the year in full-width brackets and status labels are understood."""
    header = ["统一社会信用代码", "企业名称", "经营状态", "从业人数（2024）", "纳税信用等级"]
    rows = [[code(), "上海吊销测试有限公司", "吊销", "3", "B"],
            [code(), "上海迁出测试有限公司", "Moved out", "", "M"]]  # fmt: skip
    result = run(csv_file(tmp_path / "labels.csv", rows, header))
    assert result.imported == 2
    assert Enterprise.objects.get(uscc=rows[0][0]).status == "revoked"
    assert Enterprise.objects.get(uscc=rows[1][0]).status == "moved_out"
    assert profile(rows[0][0])["employees"] == 3


# Batches, chunks and resumption ----------------------------------------------------------------


def test_the_audit_trail_records_chunks_not_rows(tmp_path: Path) -> None:
    """A batch of five rows in chunks of two leaves a start, three chunk and a completion row."""
    result = run(csv_file(tmp_path / "firms.csv", [good_row() for _ in range(5)]), chunk_size=2)
    events = AuditEvent.objects.filter(object_type="registry.importbatch",
                                       object_id=str(result.batch.pk))  # fmt: skip
    assert events.count() == 5
    assert set(events.values_list("action", flat=True)) == {AuditAction.IMPORT}
    assert not AuditEvent.objects.filter(object_type="registry.enterprise").exists()


def test_a_completed_file_is_not_imported_twice(tmp_path: Path) -> None:
    """Running a completed file again from the same source does nothing and says so."""
    path = csv_file(tmp_path / "firms.csv", [good_row(), good_row()])
    first = run(path)
    again = run(path)
    assert again.already_done and again.batch == first.batch
    assert ImportBatch.objects.count() == 1 and Enterprise.objects.count() == 2


def test_an_interrupted_import_continues_after_its_last_chunk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure in the third chunk leaves two whole chunks; the rerun imports the rest once and
    its error report still lists the rejected rows of the first run."""
    rows = [good_row() for _ in range(9)]
    rows[1] = good_row(revenue_2024="lots")
    path = csv_file(tmp_path / "firms.csv", rows)
    real = batch_module.profiles_rebuild
    calls = {"n": 0}

    def failing(*args: Any, **kwargs: Any) -> int:
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("power cut")
        return real(*args, **kwargs)

    monkeypatch.setattr(batch_module, "profiles_rebuild", failing)
    with pytest.raises(RuntimeError):
        run(path, chunk_size=3)
    batch = ImportBatch.objects.get()
    assert (batch.state, batch.rows_done, batch.rows_rejected) == ("running", 6, 1)
    assert Enterprise.objects.count() == 5 == Profile.objects.count()
    monkeypatch.setattr(batch_module, "profiles_rebuild", real)
    result = run(path, chunk_size=3)
    assert result.batch == batch and result.resumed_after == 6
    assert (result.rows, result.rejected) == (9, 1)
    assert Enterprise.objects.count() == 8
    assert len(stored_facts(key="revenue")) == 8
    assert [r[0] for r in report_rows(result)] == ["3"]


def test_a_load_into_an_empty_registry_builds_its_indexes_at_the_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The secondary indexes are dropped for the load and built again after it; so is the
    code's unique constraint on PostgreSQL (SQLite cannot drop it), which is there again at
    the end."""
    seen: list[list[str]] = []
    real = batch_module.profiles_rebuild

    def watching(*args: Any, **kwargs: Any) -> int:
        seen.append(indexes.indexes_missing())
        quiet.append(indexes.autovacuum_stopped())
        return real(*args, **kwargs)

    quiet: list[bool] = []
    monkeypatch.setattr(batch_module, "profiles_rebuild", watching)
    every = sorted(
        name
        for model in indexes.DEFERRED
        for name in [*indexes.declared_constraints(model), *indexes.declared(model)]
    )
    run(csv_file(tmp_path / "firms.csv", [good_row() for _ in range(4)]), chunk_size=2)
    assert seen and all(sorted(missing) == every for missing in seen)
    assert ("registry_enterprise_uscc" in every) == (connection.vendor == "postgresql")
    assert indexes.indexes_missing() == []
    # On PostgreSQL autovacuum waits for the end of the load, and is let back then.
    assert quiet == [connection.vendor == "postgresql"] * len(quiet)
    assert not indexes.autovacuum_stopped()

    # A registry with enterprises keeps its indexes during an import.
    seen.clear()
    run(csv_file(tmp_path / "more.csv", [good_row() for _ in range(2)]))
    assert seen == [[]]


def test_an_import_builds_the_indexes_a_killed_run_left_aside(tmp_path: Path) -> None:
    make_enterprise()
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX registry_enterprise_name")
    assert indexes.indexes_missing() == ["registry_enterprise_name"]
    run(csv_file(tmp_path / "firms.csv", [good_row()]))
    assert indexes.indexes_missing() == []


@contextmanager
def other_session_holding(function: str) -> Iterator[None]:
    """Another connection (another process's import or save) holding `loading.LOCK_KEY`."""
    settings = connection.settings_dict
    other = psycopg.connect(
        dbname=settings["NAME"], user=settings["USER"], password=settings["PASSWORD"] or None,
        host=settings["HOST"] or None, port=settings["PORT"] or None, autocommit=True,
    )  # fmt: skip
    try:
        other.execute(f"SELECT {function}(%s)", [loading.LOCK_KEY])
        yield
    finally:
        other.close()


@pytest.mark.postgres
def test_a_first_load_keeps_every_other_writer_of_enterprises_out(tmp_path: Path) -> None:
    """While another process loads the empty registry without the code's constraint, saving an
    enterprise or starting another import is refused with the reason."""
    path = csv_file(tmp_path / "firms.csv", [good_row()])
    with other_session_holding("pg_advisory_lock"), translation.override("en"):
        with pytest.raises(DomainError, match="first load into the empty enterprise registry"):
            services.enterprise_save(uscc=code(), data={"name": "测试"}, acting_user=None)  # type: ignore[arg-type]  # refused before the actor counts
        with pytest.raises(DomainError, match="first load into the empty enterprise registry"):
            run(path)
    assert not Enterprise.objects.exists()


@pytest.mark.postgres
def test_a_load_beside_another_writer_keeps_the_code_constraint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An import that cannot have the lock to itself (another import or save is running) keeps
    the code's unique constraint, even into an empty registry."""
    kept: list[bool] = []
    real = batch_module.profiles_rebuild

    def watching(*args: Any, **kwargs: Any) -> int:
        kept.append("registry_enterprise_uscc" in indexes.present(Enterprise))
        return real(*args, **kwargs)

    monkeypatch.setattr(batch_module, "profiles_rebuild", watching)
    with other_session_holding("pg_advisory_lock_shared"):
        result = run(csv_file(tmp_path / "firms.csv", [good_row() for _ in range(3)]))
    assert result.imported == 3 and kept == [True]


@pytest.mark.postgres
def test_a_code_constraint_that_cannot_be_built_again_is_reported(tmp_path: Path) -> None:
    """If something wrote a code twice while a killed first load had the constraint aside, the
    next import says which codes and why, and imports nothing."""
    lock = loading.ImportLock().acquire()
    assert indexes.indexes_defer(lock)
    lock.release()
    twice, now = code(), clock.now()
    for name in ("甲公司", "乙公司"):
        Enterprise.objects.create(uscc=twice, name=name, created_at=now, updated_at=now)
    with translation.override("en"), pytest.raises(DomainError) as caught:
        run(csv_file(tmp_path / "firms.csv", [good_row()]))
    assert "registry_enterprise_uscc" in caught.value.message
    assert twice in caught.value.message and "Remove the duplicates" in caught.value.message
    assert Enterprise.objects.count() == 2


def test_a_rerun_keeps_the_first_runs_as_of_date(tmp_path: Path) -> None:
    """Continuing a batch with another --as-of is refused: its facts would disagree."""
    path = csv_file(tmp_path / "firms.csv", [good_row() for _ in range(4)])
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(batch_module, "profiles_rebuild", _fail_on_second_call())
        with pytest.raises(RuntimeError):
            run(path, chunk_size=2, as_of=dt.date(2025, 6, 30))
    with pytest.raises(DomainError) as caught:
        run(path, chunk_size=2, as_of=dt.date(2025, 7, 1))
    assert "started as of 2025-06-30" in caught.value.message
    assert run(path, chunk_size=2).batch.state == ImportBatch.State.COMPLETED
    assert {f.as_of for f in stored_facts()} == {dt.date(2025, 6, 30)}


def _fail_on_second_call() -> Callable[..., int]:
    real = batch_module.profiles_rebuild
    calls = {"n": 0}

    def rebuild(*args: Any, **kwargs: Any) -> int:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("interrupted")
        return real(*args, **kwargs)

    return rebuild


# Command line ------------------------------------------------------------------------------------


def test_command_imports_and_reports(tmp_path: Path) -> None:
    """`jinqi registry import` prints the batch summary and the rejected rows."""
    path = csv_file(tmp_path / "firms.csv", [good_row(), good_row(revenue_2024="?")])
    out, err = io.StringIO(), io.StringIO()
    with translation.override("en"):
        call_command("registry", "import", str(path), "--source", "tax-jinshan",
                     "--as-of", "2025-06-30", stdout=out, stderr=err)  # fmt: skip
    assert "2 rows, 1 imported (1 new), 1 rejected" in out.getvalue()
    assert "Row 3" in err.getvalue() and "is not a number" in err.getvalue()


def test_command_refuses_a_bad_file_with_its_reasons(tmp_path: Path) -> None:
    """A file refused for one reason makes the command fail with that reason as its one line."""
    path = tmp_path / "firms.csv"
    path.write_bytes(b"uscc,colour\n1,red\n")
    err = io.StringIO()
    with (
        translation.override("en"),
        pytest.raises(CommandError, match="Nothing was imported") as caught,
    ):
        call_command("registry", "import", str(path), "--source", "tax-jinshan", stderr=err)
    assert "Unknown columns: “colour”" in str(caught.value)
    assert err.getvalue() == ""


def test_command_needs_a_known_department(tmp_path: Path) -> None:
    """An unknown --source is an error naming the code."""
    path = csv_file(tmp_path / "firms.csv", [good_row()])
    with translation.override("en"), pytest.raises(CommandError, match="no-such-bureau"):
        call_command("registry", "import", str(path), "--source", "no-such-bureau")


# A process killed part-way ---------------------------------------------------------------------

ROWS, CHUNK = 3_000, 250


Count = Callable[[str], int]


@pytest.fixture(
    params=[
        pytest.param("sqlite", marks=pytest.mark.sqlite_pass),
        pytest.param("postgresql", marks=pytest.mark.postgres),
    ]
)
def cli_database(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[dict[str, str], Count]]:
    """A migrated database of its own (an SQLite file, or a new database on the PostgreSQL
    server of DATABASE_URL), the environment for `python -m jinqi` to use it, and a function
    that runs a count on it."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "jinqi.settings.base",
           "JINQI_HOME": str(tmp_path)}  # fmt: skip
    if request.param == "sqlite":
        database = tmp_path / "jinqi.sqlite3"
        env["DATABASE_URL"] = f"sqlite:///{database}"
        count: Count = functools.partial(_sqlite_count, database)
        dropped = None
    else:
        server = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
        name = f"jinqi_kill_{os.getpid()}"
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name}")
            admin.execute(f"CREATE DATABASE {name}")
        env["DATABASE_URL"] = f"{server}/{name}"
        count = functools.partial(_postgresql_count, env["DATABASE_URL"])
        dropped = name
    subprocess.run([sys.executable, "-m", "jinqi", "migrate", "-v", "0"], env=env, check=True,
                   capture_output=True)  # fmt: skip
    yield env, count
    if dropped is not None:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {dropped} WITH (FORCE)")


def _sqlite_count(database: Path, sql: str) -> int:
    # Read-write: after a kill the first reader must roll the hot journal back.
    connection = sqlite3.connect(database, timeout=30)
    try:
        return int(connection.execute(sql).fetchone()[0])
    finally:
        connection.close()


def _postgresql_count(url: str, sql: str) -> int:
    with psycopg.connect(url) as connection:
        row = connection.execute(sql).fetchone()
        return int(row[0]) if row else 0


@pytest.mark.slow
def test_a_killed_import_leaves_whole_chunks_and_a_rerun_completes_it(
    tmp_path: Path, cli_database: tuple[dict[str, str], Count]
) -> None:
    """SIGKILL after the first committed chunk leaves only whole chunks (enterprises = rows_done,
    a multiple of the chunk size); running the command again imports every row exactly once.
    On PostgreSQL the kill also leaves the code's unique constraint aside, and the rerun adds it
    again before anything else."""
    env, count = cli_database
    postgresql = env["DATABASE_URL"].startswith("postgres")
    data = tmp_path / "population.parquet"
    synth.synth_write(data, count=ROWS, seed=21)
    command = [sys.executable, "-m", "jinqi", "registry", "import", str(data),
               "--source", "market-regulation", "--as-of", "2026-01-31",
               "--chunk-size", str(CHUNK), "--no-progress"]  # fmt: skip
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    done = 0
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        try:
            done = count("SELECT coalesce(max(rows_done), 0) FROM registry_importbatch")
        except sqlite3.OperationalError:  # the writer holds the lock for a moment
            done = 0
        if done > 0:
            process.send_signal(signal.SIGKILL)
            break
        time.sleep(0.01)
    process.wait(timeout=60)
    process.stdout.close()  # type: ignore[union-attr]
    process.stderr.close()  # type: ignore[union-attr]
    assert process.returncode == -signal.SIGKILL, "the import ended before it could be killed"
    assert 0 < done < ROWS

    rows_done = count("SELECT rows_done FROM registry_importbatch")
    enterprises = count("SELECT count(*) FROM registry_enterprise")
    assert enterprises == rows_done and rows_done % CHUNK == 0 and rows_done < ROWS
    assert count("SELECT count(*) FROM registry_profile") == enterprises
    assert count("SELECT count(DISTINCT enterprise_id) FROM registry_delivery") == enterprises
    # The load into an empty registry set the secondary indexes aside; the kill left them so.
    index_sql = _PG_INDEX_SQL if postgresql else _INDEX_SQL
    assert count(index_sql) == 0
    if postgresql:  # and autovacuum stopped on the three tables
        assert count(_PG_QUIET_SQL) == 3

    finished = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert finished.returncode == 0, finished.stderr
    assert str(rows_done + 1) in finished.stderr  # "continued … after row N"
    table = pq.read_table(data)
    registration = set(synth.REGISTRATION_COLUMNS)
    cells = sum(
        ROWS - table.column(name).null_count for name in table.column_names
        if name not in registration
    )  # fmt: skip
    assert count("SELECT count(*) FROM registry_enterprise") == ROWS
    assert count("SELECT count(DISTINCT uscc) FROM registry_enterprise") == ROWS
    assert count("SELECT count(*) FROM registry_profile") == ROWS
    facts = (
        'SELECT sum(json_array_length("values")) FROM registry_delivery'
        if postgresql
        else 'SELECT sum((SELECT count(*) FROM json_each("values"))) FROM registry_delivery'
    )
    assert count(facts) == cells
    # One delivery per enterprise: no row was imported twice, so no fact is history.
    assert count("SELECT count(*) FROM registry_delivery") == ROWS
    assert count("SELECT count(DISTINCT enterprise_id) FROM registry_delivery") == ROWS
    assert count("SELECT count(*) FROM registry_importbatch") == 1
    assert count("SELECT rows_done FROM registry_importbatch") == ROWS
    assert count("SELECT count(*) FROM registry_importbatch WHERE state = 'completed'")
    assert count(index_sql) == len(_PG_DEFERRED if postgresql else _DEFERRED_INDEXES)
    if postgresql:
        assert count(_PG_QUIET_SQL) == 0


_DEFERRED_INDEXES = ("registry_enterprise_name", "registry_delivery_enterprise_id_c1baae0c")
_INDEX_SQL = (
    f"SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name IN {_DEFERRED_INDEXES!r}"
)
# PostgreSQL also sets the code's unique constraint (and its index) aside.
_PG_DEFERRED = (*_DEFERRED_INDEXES, "registry_enterprise_uscc")
_PG_INDEX_SQL = f"SELECT count(*) FROM pg_indexes WHERE indexname IN {_PG_DEFERRED!r}"
_PG_QUIET_SQL = "SELECT count(*) FROM pg_class WHERE 'autovacuum_enabled=off' = ANY(reloptions)"


def test_error_report_is_for_the_source_department_and_the_lead_office(tmp_path: Path) -> None:
    """The stored report downloads for the lead office and the source's staff, not for others."""
    result = run(csv_file(tmp_path / "firms.csv", [good_row(revenue_2024="?")]))
    stored = result.batch.error_report
    assert stored is not None and stored.content_type == "text/csv"
    assert may_download(UserFactory(lead_office=True), stored)
    assert may_download(department_user("market-regulation"), stored)
    assert not may_download(department_user("tax-jinshan"), stored)
    assert not may_download(UserFactory(enterprise=True), stored)
