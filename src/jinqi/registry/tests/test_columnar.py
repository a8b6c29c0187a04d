"""The column-by-column Parquet path (`importing.columnar`) stores exactly what the per-row path
stores, and reports the same rows for the same reasons."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.db import connection
from django.utils import translation

from jinqi.accounts.models import Department
from jinqi.accounts.services import system_user
from jinqi.demo import synth
from jinqi.registry.importing import ImportResult, registry_import
from jinqi.registry.importing import batch as batch_module
from jinqi.registry.importing.columnar import float_literals, record_batches
from jinqi.registry.models import Delivery, Enterprise, ImportBatch, Profile
from jinqi.registry.tests.factories import enterprise as make_enterprise
from jinqi.registry.tests.factories import facts as record_facts

pytestmark = pytest.mark.django_db


def _population(path: Path) -> tuple[Path, str]:
    """A synthetic file with a bad cell of each kind the columnar check leaves to RowValidator,
    and the code of one enterprise the registry knows already."""
    table = synth.synth_table(count=120, seed=33)
    rows = table.to_pylist()
    rows[3]["employees_2024"] = -5
    rows[5]["uscc"] = rows[5]["uscc"].lower()
    rows[7]["uscc"] = rows[2]["uscc"]  # a duplicate
    rows[9]["town"] = "no such town"
    rows[11]["name"] = "  上海空格测试有限公司 "  # trimmed by RowValidator, not refused
    rows[13]["name"] = None  # a new enterprise without a name
    rows[15]["tax_credit_level"] = "Z"
    rows[17]["layoff_rate_last_year_2024"] = 1.5
    rows[19]["registered_capital"] = -1.0
    rows[21]["status"] = "吊销"
    rows[23]["industry_code"] = "c3511"
    rows[25] = {name: None for name in rows[25]}  # an empty row
    rows[27]["revenue_2025"] = float("nan")
    rows[29]["uscc"] = rows[29]["uscc"][:17] + ("0" if rows[29]["uscc"][17] != "0" else "1")
    rows[31]["name"] = "上海\x07响铃有限公司"  # refused by the text boundary
    rows[33]["registered_address"] = "上海市金山区\u202e路1号"  # a bidi override: refused
    rows[35]["legal_representative"] = "e\u0301"  # stored in NFC, as é
    pq.write_table(pa.Table.from_pylist(rows, schema=table.schema), path)
    return path, rows[40]["uscc"]


def _run(path: Path) -> ImportResult:
    with translation.override("en"):
        return registry_import(
            path=path,
            source=Department.objects.get(code="tax-jinshan"),
            acting_user=system_user(),
            as_of=dt.date(2026, 6, 30),
            chunk_size=50,
        )


def _known(uscc: str) -> None:
    firm = make_enterprise(uscc=uscc, registered_address="上海市金山区卫零路1号")
    record_facts(firm, "tax-jinshan", dt.date(2026, 9, 30), revenue_2025=1.5, employees_2025=7)


def _state(result: ImportResult) -> dict[str, Any]:
    """Everything the import stored and reported, by code rather than id."""

    def by_code(rows: list[dict[str, Any]], *drop: str) -> dict[str, Any]:
        return {row.pop("uscc"): {k: v for k, v in row.items() if k not in drop} for row in rows}

    report = []
    if result.batch.error_report is not None:
        with result.batch.error_report.file.open("rb") as handle:
            report = handle.read().decode("utf-8-sig").splitlines()
    return {
        "counts": (result.rows, result.imported, result.rejected, result.created, result.facts),
        "report": report,
        "enterprises": by_code(
            [dict(e) for e in Enterprise.objects.values()], "id", "created_at", "updated_at"
        ),
        "profiles": by_code(
            [dict(p) for p in Profile.objects.values()], "enterprise_id", "refreshed_at"
        ),
        "deliveries": sorted(
            (d.enterprise.uscc, d.as_of, d.source_id, list(d.given.items()))
            for d in Delivery.objects.select_related("enterprise", "layout")
        ),
    }


def _wipe() -> None:
    Delivery.objects.all().delete()
    Profile.objects.all().delete()
    Enterprise.objects.all().delete()
    ImportBatch.objects.all().delete()
    if connection.vendor == "postgresql":
        # The deletes' deferred checks, run now: a first load alters the table next, which
        # PostgreSQL refuses while checks are pending (a test's transaction, not an import's).
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


@pytest.mark.parametrize("first_load", [False, True], ids=["registry-not-empty", "first-load"])
def test_columnar_and_per_row_paths_store_and_report_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, first_load: bool
) -> None:
    """The same Parquet file, with bad cells of every kind, gives the same enterprises,
    deliveries, profiles, counts and error report either way: into a registry that knows one
    of its enterprises, and as a first load into an empty one (on PostgreSQL checked and
    written by a child process, `importing.firstload`)."""
    path, known = _population(tmp_path / "population.parquet")
    if not first_load:
        _known(known)
    take = batch_module._Run.take
    fast: list[int] = []

    def spy(self: Any, checked: Any) -> Any:
        fast.append((len(checked.fast) if checked.fast is not None else 0) + checked.copied)
        return take(self, checked)

    monkeypatch.setattr(batch_module._Run, "take", spy)
    columnar = _state(_run(path))
    assert sum(fast) > 90  # most rows took the columnar path
    _wipe()
    real = batch_module.open_table

    def per_row(*args: Any) -> Any:
        table = real(*args)
        table.record_batches = None  # the rows as RawRow only: RowValidator checks each
        return table

    monkeypatch.setattr(batch_module, "open_table", per_row)
    if not first_load:
        _known(known)
    rows = _state(_run(path))
    assert columnar["counts"] == rows["counts"]
    assert columnar["report"] == rows["report"] and len(rows["report"]) > 10
    assert columnar["enterprises"] == rows["enterprises"]
    assert columnar["deliveries"] == rows["deliveries"]
    assert columnar["profiles"] == rows["profiles"]
    for uscc, values in rows["profiles"].items():  # float sums compared exactly, types too
        for key, value in values.items():
            assert type(columnar["profiles"][uscc][key]) is type(value), (uscc, key)


def test_record_batches_end_where_an_earlier_run_stopped() -> None:
    """Chunks are cut at the chunk size, and at the row where a previous run stopped."""
    batches = [pa.record_batch({"n": list(range(i, i + 4))}) for i in range(0, 12, 4)]
    sizes = [len(b) for b in record_batches(iter(batches), 5, 7)]
    assert sizes == [5, 2, 5]
    assert [b.column(0)[0].as_py() for b in record_batches(iter(batches), 5, 0)] == [0, 5, 10]


def testfloat_literals_read_back_the_same_floats() -> None:
    """Each float's JSON text reads back the same value as a float (never an int), whatever
    form Arrow writes it in: whole numbers small and large, exponents, signed zero, nulls."""
    values = [2500.0, 0.0, -0.0, -3.0, 0.1, 1e-7, 1e-5, 12345678.9, 999_999_999.0, 1e9,
              9_999_999_999.0, 1e10, 1.5e10, 123_456_789_012_345.0, 1e15, 1e16, 1e21, 1e22,
              5e-324, 1.7976931348623157e308, None]  # fmt: skip
    text = float_literals(pa.array(values, pa.float64())).to_pylist()
    for value, literal in zip(values, text, strict=True):
        if value is None:
            assert literal is None
            continue
        read = json.loads(literal)
        assert type(read) is float and read == value, (value, literal)
        assert math.copysign(1, read) == math.copysign(1, value)
