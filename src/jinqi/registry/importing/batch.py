"""One import run: the batch started or continued, the rows validated and committed chunk by
chunk, the error report stored when the file is done."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import tempfile
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from django.core.files import File
from django.db import connection, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from jinqi.accounts.enums import Role
from jinqi.accounts.models import Department, User
from jinqi.audit.enums import AuditAction
from jinqi.audit.services import audit_record
from jinqi.core import clock
from jinqi.core.errors import DomainError
from jinqi.core.models import StoredFile
from jinqi.core.uploads import UploadPurpose
from jinqi.registry.importing.bulk import (
    copy_send,
    deliveries_write,
    enterprises_insert,
    enterprises_upsert,
    existing_ids,
    ids_of,
    ids_reserve,
    insert_table,
    new_without_name,
    profiles_rebuild,
)
from jinqi.registry.importing.columnar import (
    Checked,
    ColumnarValidator,
    NewRows,
    named,
    new_rows,
    new_tables,
    record_batches,
    valid_rows,
)
from jinqi.registry.importing.firstload import Checker, Job
from jinqi.registry.importing.indexes import indexes_defer, indexes_restore
from jinqi.registry.importing.reading import (
    ImportFileError,
    RawRow,
    Scan,
    open_table,
    scan_file,
)
from jinqi.registry.importing.rows import Rejection, RowValidator, ValidRow, is_empty, parse_header
from jinqi.registry.loading import ImportLock
from jinqi.registry.models import ImportBatch
from jinqi.registry.profile import registration_values
from jinqi.registry.services import layouts_get_or_create
from jinqi.registry.user_links import users_link

# Rows per transaction: fewer chunks mean fewer commits, audit rows and per-chunk calls (about
# 10 % of a first load's checking at 5,000 rows); 20,000 rows of COPY data are about 17 MB.
DEFAULT_CHUNK = 20_000
REPORT_PURPOSE = "registry.import_report"


def can_download_report(user: User, stored: StoredFile) -> bool:
    """The error report of a batch is for the lead office and the source department's staff."""
    batch = ImportBatch.objects.filter(error_report=stored).only("source_id").first()
    if batch is None:
        return False
    if getattr(user, "role", None) == Role.LEAD_OFFICE:
        return True
    return bool(getattr(user, "department_id", None) == batch.source_id)


# Declared for the shared upload component (registered in the app's ready()); reports are
# written by the import itself, so no upload is ever checked against its types.
REPORT_UPLOAD = UploadPurpose(
    key=REPORT_PURPOSE, allowed_types=(), can_download=can_download_report
)

Progress = Callable[[int, int | None], None]


@dataclass
class ImportResult:
    batch: ImportBatch
    rows: int = 0
    imported: int = 0
    rejected: int = 0
    created: int = 0
    facts: int = 0
    resumed_after: int = 0  # rows a previous run had committed
    already_done: bool = False
    rejections: list[Rejection] = field(default_factory=list)  # the first ones, for display


def registry_import(
    *,
    path: Path,
    source: Department,
    acting_user: User,
    as_of: dt.date | None = None,
    chunk_size: int = DEFAULT_CHUNK,
    file_name: str | None = None,
    on_progress: Progress | None = None,
) -> ImportResult:
    """Import a file of enterprises and facts from `source`, or continue an interrupted import
    of the same file; raises ImportFileError when the whole file is refused."""
    if chunk_size < 1:
        raise DomainError(_("The chunk size must be at least 1."))
    if source.is_group:
        raise DomainError(_("Facts come from a department, not a group of departments."))
    # The file's check, once, before anything else (the lock, the checking child) starts.
    scan = scan_file(path)
    lock = ImportLock().acquire()
    checker = None
    try:
        checker = Checker.for_file(scan)
        return _import(
            lock, checker, path, scan, source, acting_user, as_of, chunk_size, file_name,
            on_progress,
        )  # fmt: skip
    finally:
        if checker is not None:
            checker.stop()
        lock.release()


def _import(
    lock: ImportLock,
    checker: Checker | None,
    path: Path,
    scan: Scan,
    source: Department,
    acting_user: User,
    as_of: dt.date | None,
    chunk_size: int,
    file_name: str | None,
    on_progress: Progress | None,
) -> ImportResult:
    # Indexes an earlier run set aside and never built again (it was killed) come first.
    indexes_restore()
    done = ImportBatch.objects.filter(
        sha256=scan.sha256, source=source, state=ImportBatch.State.COMPLETED
    ).first()
    if done is not None:
        return ImportResult(batch=done, rows=done.rows_total, already_done=True)
    table = open_table(path, scan)
    try:
        columns = parse_header(table.header)
        rows = _non_empty_start(table.rows)
        validator = RowValidator(columns)
        batch, resumed_after, as_of = _batch_start(
            scan=scan,
            source=source,
            acting_user=acting_user,
            as_of=as_of,
            file_name=file_name or path.name,
            estimate=table.rows_estimate,
        )
        deferred = indexes_defer(lock)
        if not deferred:
            lock.share()
        run = _Run(batch, source, acting_user, as_of, validator, resumed_after, empty=deferred)
        try:
            if table.record_batches is not None:
                # Parquet: checked and written column by column (`columnar`); in a first load
                # on PostgreSQL by the child process (`firstload`).
                if checker is not None and deferred and not resumed_after:
                    chunks = checker.chunks(
                        Job(
                            path=path, scan=scan, columns=columns, validator=validator,
                            town_codes=run.town_codes, chunk_size=chunk_size,
                            language=translation.get_language(),
                            first_id=ids_reserve(table.rows_estimate or 1),
                            source_id=source.pk, batch_id=batch.pk, as_of=as_of, now=clock.now(),
                        )
                    )  # fmt: skip
                else:
                    columnar = ColumnarValidator(columns, validator)
                    parts = record_batches(table.record_batches(), chunk_size, resumed_after)
                    chunks = checked_ahead(columnar, parts, run.town_codes)
                for checked in chunks:
                    run.take(checked)
                    if on_progress is not None:
                        on_progress(run.result.rows, table.rows_estimate)
            else:
                for chunk in _chunks(rows, chunk_size, resumed_after):
                    run.chunk(chunk)
                    if on_progress is not None:
                        on_progress(run.result.rows, table.rows_estimate)
            return run.finish()
        finally:
            run.close()
            if deferred:
                indexes_restore()
    finally:
        table.close()


def checked_ahead(
    columnar: ColumnarValidator, parts: Iterator[pa.RecordBatch], town_codes: dict[int, str]
) -> Iterator[Checked]:
    """The chunks checked in order, each next one read and checked in a thread while the
    caller commits the one before: the database writes while Python checks. The thread also
    makes what writing the clean rows as new enterprises needs (`columnar.new_rows`). None of
    it needs a database connection; the thread speaks the caller's language for the error
    report."""
    language = translation.get_language()

    def check_next(first: int) -> Checked | None:
        with translation.override(language):
            part = next(parts, None)
            if part is None:
                return None
            checked = columnar.check(first, part)
            if checked.fast is not None and len(checked.fast):
                checked.new = new_rows(checked.fast.filter(named(checked.fast)), town_codes)
            return checked

    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(check_next, 2)
        while (checked := pending.result()) is not None:
            pending = pool.submit(check_next, checked.last + 1)
            yield checked


def registry_file_check(path: Path) -> None:
    """Refuse a file at once if it cannot be imported at all (unreadable, wrong columns, no
    rows), so a caller that queues the import in the background can answer straight away."""
    table = open_table(path, scan_file(path))
    try:
        parse_header(table.header)
        _non_empty_start(table.rows)
    finally:
        table.close()


def _non_empty_start(rows: Iterator[RawRow]) -> Iterator[RawRow]:
    """The rows, after checking the file has at least one that is not empty."""
    skipped: list[RawRow] = []
    for row in rows:
        skipped.append(row)
        if row.problem or not all(is_empty(c) for c in row.cells):
            break
    else:
        raise ImportFileError([_("The file has a header row but no data rows.")])

    def chained() -> Iterator[RawRow]:
        yield from skipped
        yield from rows

    return chained()


def _chunks(rows: Iterable[RawRow], size: int, resumed_after: int) -> Iterator[list[RawRow]]:
    """Rows in chunks of `size`; the rows a previous run committed come first, as their own
    chunks ending exactly where it stopped."""
    chunk: list[RawRow] = []
    for seen, row in enumerate(rows, start=1):
        chunk.append(row)
        if len(chunk) >= size or seen == resumed_after:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _batch_start(
    *,
    scan: Scan,
    source: Department,
    acting_user: User,
    as_of: dt.date | None,
    file_name: str,
    estimate: int | None,
) -> tuple[ImportBatch, int, dt.date]:
    """The batch to continue (same file and source, still running) or a new one."""
    with transaction.atomic():
        batch = (
            ImportBatch.objects.filter(
                sha256=scan.sha256, source=source, state=ImportBatch.State.RUNNING
            )
            .order_by("-started_at")
            .first()
        )
        if batch is not None:
            earlier = batch.as_of
            if earlier is not None and as_of is not None and as_of != earlier:
                raise DomainError(
                    _(
                        "This file's import was started as of %(earlier)s; continue it with the "
                        "same date."
                    )
                    % {"earlier": earlier.isoformat()}
                )
            return batch, batch.rows_done, earlier or as_of or clock.today()
        batch = ImportBatch.objects.create(
            source=source,
            file_name=file_name[:255],
            sha256=scan.sha256,
            rows_total=estimate or 0,
            as_of=as_of or clock.today(),
            started_by=acting_user,
            started_at=clock.now(),
        )
        audit_record(
            actor=acting_user,
            action=AuditAction.IMPORT,
            target=batch,
            after={"state": batch.state},
            note=f"started: {scan.kind} file",
        )
        return batch, 0, as_of or clock.today()


class _Run:
    """One pass over the file: validates every row, commits the chunks not yet committed."""

    def __init__(
        self,
        batch: ImportBatch,
        source: Department,
        acting_user: User,
        as_of: dt.date,
        validator: RowValidator,
        resumed_after: int,
        *,
        empty: bool = False,
    ) -> None:
        self.batch = batch
        # The registry was empty when the import started and the import holds the lock
        # exclusively: every code of the file is new, as the validator refuses a code seen
        # twice, so no chunk looks its codes up, and no one else takes enterprise ids.
        self.empty = empty
        self.source = source
        self.acting_user = acting_user
        self.as_of = as_of
        self.validator = validator
        self.result = ImportResult(batch=batch, resumed_after=resumed_after)
        self.town_codes = dict(Department.objects.values_list("pk", "code"))
        self.report = tempfile.SpooledTemporaryFile(max_size=1 << 20, mode="w+b")  # noqa: SIM115 -- closed in finish()
        self.report_text = io.TextIOWrapper(self.report, encoding="utf-8-sig", newline="")
        self.report_csv = csv.writer(self.report_text)
        self.report_csv.writerow(["row", "uscc", "reason"])

    def chunk(self, rows: list[RawRow]) -> None:
        checked = Checked(rows[0].number, len(rows))
        for row in rows:
            result = self.validator.validate(row)
            if isinstance(result, ValidRow):
                checked.valid.append(result)
            elif isinstance(result, Rejection):
                checked.rejected.append(result)
        self.take(checked)

    def take(self, checked: Checked) -> None:
        """Commit a checked chunk (or, if an earlier run committed it, only report it)."""
        start = self.result.rows
        rejected = list(checked.rejected)
        if start < self.result.resumed_after:
            # Committed by an earlier run: checked again only to rebuild the error report.
            fast = valid_rows(checked.fast) if checked.fast is not None else []
            every = [*checked.valid, *fast]
            rejected += new_without_name(every, existing_ids(every))
        else:
            rejected += self._commit(start, checked)
        for rejection in sorted(rejected, key=lambda r: r.number):
            self.report_csv.writerow([rejection.number, rejection.uscc, rejection.reason])
            if len(self.result.rejections) < 100:
                self.result.rejections.append(rejection)
        self.result.rows += checked.count
        self.result.rejected += len(rejected)

    @transaction.atomic
    def _commit(self, start: int, checked: Checked) -> list[Rejection]:
        count = checked.count
        if connection.vendor == "postgresql":
            # The chunk's commit does not wait for the disk: a server crash may undo the last
            # chunks' commits, each whole with its `rows_done`, and the rerun repeats them. The
            # last commit of the import (`finish`) waits, and with it everything before.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        batch = ImportBatch.objects.select_for_update().get(pk=self.batch.pk)
        batch.source = self.source
        if batch.rows_done != start or batch.state != ImportBatch.State.RUNNING:
            raise DomainError(_("Another process is importing this file; let it finish."))
        valid = checked.valid
        fast = checked.fast
        new_fast = None
        prepared = None
        if fast is not None and len(fast):
            # Rows about enterprises already in the registry take the per-row path, which
            # merges them with what the registry knows.
            known = {} if self.empty else ids_of(fast.column("uscc").to_pylist())
            if known:
                codes = fast.column("uscc").to_pylist()
                is_new = pa.array([code not in known for code in codes])
                valid = [*valid, *valid_rows(fast.filter(pc.invert(is_new)))]
                new_fast = fast.filter(is_new)
            else:
                new_fast, prepared = fast, checked.new
        existing = {} if self.empty else existing_ids(valid)
        nameless = new_without_name(valid, existing)
        if new_fast is not None:
            given = named(new_fast)
            nameless += new_without_name(valid_rows(new_fast.filter(pc.invert(given))), {})
            new_fast = new_fast.filter(given)
        refused = {r.number for r in nameless}
        valid = [row for row in valid if row.number not in refused]
        now = clock.now()
        ids, created = enterprises_upsert(valid, existing, now, all_new=self.empty)
        facts = deliveries_write(
            deliveries=[(ids[row.uscc], row.facts) for row in valid],
            source=self.source,
            as_of=self.as_of,
            batch=batch,
            now=now,
        )
        # A new enterprise's profile comes from its row alone: nothing else is known about it.
        known_rows = {
            ids[row.uscc]: (self._registration(row), row.facts)
            for row in valid
            if row.uscc not in existing
        }
        profiles_rebuild(sorted(set(ids.values())), now, known=known_rows)
        imported = len(valid)
        if new_fast is not None and len(new_fast):
            new = prepared or new_rows(new_fast, self.town_codes)
            facts += self._write_new(new, batch, now)
            imported += len(new_fast)
            created += len(new_fast)
        for copy in checked.copies:
            copy_send(copy)
        imported += checked.copied
        created += checked.copied
        facts += checked.copied_facts
        batch.rows_done = start + count
        batch.rows_rejected += len(checked.rejected) + len(nameless)
        batch.rows_total = max(batch.rows_total, batch.rows_done)
        batch.save(update_fields=["rows_done", "rows_rejected", "rows_total"])
        audit_record(
            actor=self.acting_user,
            action=AuditAction.IMPORT,
            target=batch,
            before={"rows_done": start},
            after={"rows_done": batch.rows_done},
            note=(
                f"rows {checked.first}–{checked.last}: {imported} imported "
                f"({created} new), {len(checked.rejected) + len(nameless)} rejected, "
                f"{facts} facts from {self.source.code} as of {self.as_of.isoformat()}"
            ),
        )
        self.result.imported += imported
        self.result.created += created
        self.result.facts += facts
        return nameless

    def _write_new(self, new: NewRows, batch: ImportBatch, now: dt.datetime) -> int:
        """Enterprises, deliveries and profiles of clean rows about new enterprises, written
        column by column; returns the number of facts."""
        ids = enterprises_insert(new.registration, new.capital, now, reserve=self.empty)
        layout_ids = layouts_get_or_create([refs for refs in new.layouts if refs])
        for model, columns in new_tables(
            new, ids, layout_ids, source_id=self.source.pk, as_of=self.as_of, batch_id=batch.pk,
            now=now,
        ):  # fmt: skip
            insert_table(model, columns)
        return new.facts

    def _registration(self, row: ValidRow) -> dict[str, Any]:
        """`profile.registration_values` of a new enterprise, from its row."""
        given = row.registration
        town_id = given.get("town_id")
        return registration_values(
            uscc=row.uscc,
            established_on=given.get("established_on"),
            industry_code=given.get("industry_id"),
            town_code=self.town_codes[town_id] if town_id is not None else None,
            registered_capital=given.get("registered_capital"),
        )

    def finish(self) -> ImportResult:
        self.report_text.flush()
        try:
            with transaction.atomic():
                batch = ImportBatch.objects.select_for_update().get(pk=self.batch.pk)
                batch.source = self.source
                if self.result.rejected:
                    batch.error_report = self._store_report(batch)
                batch.state = ImportBatch.State.COMPLETED
                batch.rows_total = self.result.rows
                batch.rows_rejected = self.result.rejected
                batch.finished_at = clock.now()
                batch.save()
                users_link()  # users who carry the codes of enterprises new to the registry
                audit_record(
                    actor=self.acting_user,
                    action=AuditAction.IMPORT,
                    target=batch,
                    after={
                        "state": batch.state,
                        "rows_total": batch.rows_total,
                        "rows_rejected": batch.rows_rejected,
                    },
                    note="completed",
                )
        finally:
            self.close()
        self.result.batch = batch
        return self.result

    def close(self) -> None:
        if not self.report_text.closed:
            self.report_text.close()

    def _store_report(self, batch: ImportBatch) -> StoredFile:
        """The rejected rows as CSV, stored directly: the upload component's content check is
        for what users send, and CSV has no signature to check."""
        self.report.seek(0)
        digest = hashlib.sha256()
        size = 0
        for block in iter(lambda: self.report.read(1 << 20), b""):
            digest.update(block)
            size += len(block)
        self.report.seek(0)
        stem = Path(batch.file_name).stem or "import"
        stored = StoredFile(
            purpose=REPORT_PURPOSE,
            original_name=f"{stem}-rejected-rows.csv"[:255],
            content_type="text/csv",
            size=size,
            sha256=digest.hexdigest(),
            uploaded_by=self.acting_user,
            uploaded_at=clock.now(),
        )
        stored.file.save(stored.original_name, File(self.report), save=False)
        stored.save()
        return stored
