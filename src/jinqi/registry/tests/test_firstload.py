"""A first load on PostgreSQL checked by a child process (`importing.firstload`): what the child
reports reaches the importer, a failure on either side leaves whole chunks and no process
behind, and the rerun completes the load. What it stores is compared with the per-row path in
test_columnar.py."""

from __future__ import annotations

import datetime as dt
import multiprocessing
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from django.utils import translation

from jinqi.accounts.models import Department
from jinqi.accounts.services import system_user
from jinqi.core.errors import DomainError
from jinqi.demo import synth
from jinqi.registry.importing import ImportFileError, ImportResult, firstload, registry_import
from jinqi.registry.importing import batch as batch_module
from jinqi.registry.importing.reading import scan_file
from jinqi.registry.importing.rows import RowValidator, parse_header
from jinqi.registry.models import Delivery, Enterprise, ImportBatch, Profile

pytestmark = pytest.mark.django_db

ROWS, CHUNK = 400, 100


def _population(path: Path, *, count: int = ROWS, row_group_size: int = ROWS) -> Path:
    pq.write_table(synth.synth_table(count=count, seed=7), path, row_group_size=row_group_size)
    return path


def _run(path: Path, chunk_size: int = CHUNK) -> ImportResult:
    with translation.override("en"):
        return registry_import(
            path=path,
            source=Department.objects.get(code="market-regulation"),
            acting_user=system_user(),
            as_of=dt.date(2026, 6, 30),
            chunk_size=chunk_size,
        )


def _counts() -> tuple[int, int, int, int]:
    batch = ImportBatch.objects.first()
    return (
        batch.rows_done if batch else 0,
        Enterprise.objects.count(),
        Delivery.objects.count(),
        Profile.objects.count(),
    )


def _no_children_left() -> bool:
    return not [p for p in multiprocessing.active_children() if p.name == "jinqi-import-check"]


def test_a_checker_that_dies_is_reported(tmp_path: Path) -> None:
    """If the child ends before it has answered (killed, out of memory), the importer says so
    instead of waiting for ever."""
    path = _population(tmp_path / "firms.parquet")
    scan = scan_file(path)
    columns = parse_header(pq.read_schema(path).names)
    checker = firstload.Checker()
    checker.process.kill()
    checker.process.join()
    job = firstload.Job(
        path=path, scan=scan, columns=columns, validator=RowValidator(columns), town_codes={},
        chunk_size=CHUNK, language="en", first_id=1, source_id=1, batch_id=1,
        as_of=dt.date(2026, 6, 30), now=dt.datetime.now(dt.UTC),
    )  # fmt: skip
    with translation.override("en"), pytest.raises(DomainError, match="stopped unexpectedly"):
        list(checker.chunks(job))
    checker.stop()
    assert _no_children_left()


def test_a_crash_in_the_checker_is_a_crash_in_the_importer(tmp_path: Path) -> None:
    """A bug in the child (here a job whose columns the file does not have) is raised in the
    importer with the child's traceback, not reported as a problem of the file."""
    path = _population(tmp_path / "firms.parquet")
    names = pq.read_schema(path).names
    columns = parse_header([*names, "employees_2030"])
    job = firstload.Job(
        path=path, scan=scan_file(path), columns=columns, validator=RowValidator(columns),
        town_codes={}, chunk_size=CHUNK, language="en", first_id=1, source_id=1, batch_id=1,
        as_of=dt.date(2026, 6, 30), now=dt.datetime.now(dt.UTC),
    )  # fmt: skip
    checker = firstload.Checker()
    with pytest.raises(RuntimeError, match=r"(?s)checking process failed.*IndexError"):
        list(checker.chunks(job))
    checker.stop()
    assert _no_children_left()


@pytest.mark.postgres
def test_a_first_load_is_checked_by_a_child_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On PostgreSQL a first load of a Parquet file takes the child's COPY data: every row, in
    chunks, ids in the order of the file, and no process left."""
    copied: list[int] = []
    take = batch_module._Run.take

    def spy(self: Any, checked: Any) -> Any:
        copied.append(checked.copied)
        return take(self, checked)

    monkeypatch.setattr(batch_module._Run, "take", spy)
    path = _population(tmp_path / "firms.parquet")
    result = _run(path)
    assert (result.rows, result.imported, result.created, result.rejected) == (ROWS, ROWS, ROWS, 0)
    assert copied == [CHUNK] * (ROWS // CHUNK)
    assert _counts() == (ROWS, ROWS, ROWS, ROWS)
    codes = pq.read_table(path, columns=["uscc"]).column("uscc").to_pylist()
    assert list(Enterprise.objects.order_by("id").values_list("uscc", flat=True)) == codes
    assert _no_children_left()


@pytest.mark.postgres
def test_a_file_unreadable_half_way_stops_with_its_error_and_whole_chunks(tmp_path: Path) -> None:
    """The child meets a row group it cannot decode (past the rows the importer reads itself
    first): the import stops with the file's error, leaves whole chunks only (pyarrow may read
    ahead, so how many is its business), and ends the child."""
    path = _population(tmp_path / "firms.parquet", count=1_600, row_group_size=400)
    column = pq.ParquetFile(path).metadata.row_group(3).column(0)  # rows 1,201–1,600
    data = bytearray(path.read_bytes())
    start = column.data_page_offset
    data[start : start + column.total_compressed_size] = bytes(column.total_compressed_size)
    path.write_bytes(bytes(data))
    with translation.override("en"), pytest.raises(ImportFileError, match="cannot be read after"):
        _run(path, chunk_size=400)
    done, *rows = _counts()
    assert rows == [done] * 3 and done % 400 == 0 and done < 1_600
    assert _no_children_left()


@pytest.mark.postgres
def test_a_chunk_that_fails_ends_the_child_and_the_rerun_completes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure in the importer between the child's chunks (here its second COPY of the
    second chunk) undoes that chunk only and ends the child; the rerun, into a registry that
    is no longer empty, imports the rest in the importer itself."""
    real = batch_module.copy_send
    calls = {"n": 0}

    def failing(copy: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 5:
            raise RuntimeError("interrupted")
        real(copy)

    monkeypatch.setattr(batch_module, "copy_send", failing)
    path = _population(tmp_path / "firms.parquet")
    with pytest.raises(RuntimeError, match="interrupted"):
        _run(path)
    assert _counts() == (CHUNK, CHUNK, CHUNK, CHUNK)
    assert _no_children_left()
    monkeypatch.setattr(batch_module, "copy_send", real)
    result = _run(path)
    assert (result.resumed_after, result.rows, result.rejected) == (CHUNK, ROWS, 0)
    assert _counts() == (ROWS, ROWS, ROWS, ROWS)
    assert Enterprise.objects.values("uscc").distinct().count() == ROWS
