"""A first load into an empty registry on PostgreSQL, with the Python work in a child process
(docs/adr/0005-registry-deliveries.md, docs/PERFORMANCE.md).

During such a load every valid code is new and the import holds `loading.ImportLock`
exclusively, so the ids of the whole file can be taken from the sequence before it starts: the
child reads the Parquet file, checks each chunk (`columnar`) and writes the COPY data of its new
enterprises, deliveries and profiles, all without a database, while the importer commits the
chunk before. On two cores the checking, the importer and the database server then each have a
processor instead of taking turns with one (a thread would share the importer's interpreter).

The pipe carries, in order: a `Job` to the child; per chunk, a request for the ids of layouts it
has not seen (answered by the importer, which creates them between its chunks' transactions: a
layout is a shared name for a list of references, harmless if the chunk that asked for it is
never committed), then the chunk (`Checked` without its table) and its COPY data; at the end
"end", or the error that stopped the child."""

from __future__ import annotations

import datetime as dt
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from django.db import connection
from django.utils import translation
from django.utils.translation import gettext as _

from jinqi.core.children import django_child_start, django_child_stop
from jinqi.core.errors import DomainError
from jinqi.registry.importing.bulk import Copy, copy_of, enterprise_columns, new_without_name
from jinqi.registry.importing.columnar import (
    Checked,
    ColumnarValidator,
    named,
    new_rows,
    new_tables,
    record_batches,
    valid_rows,
)
from jinqi.registry.importing.reading import ImportFileError, Scan, open_table
from jinqi.registry.importing.rows import Column, RowValidator
from jinqi.registry.models import Enterprise
from jinqi.registry.services import layouts_get_or_create


@dataclass(frozen=True)
class Job:
    path: Path
    scan: Scan
    columns: list[Column]
    validator: RowValidator
    town_codes: dict[int, str]
    chunk_size: int
    language: str
    first_id: int  # the id reserved for the file's first data row; row n gets first_id + n - 2
    source_id: int
    batch_id: int
    as_of: dt.date
    now: dt.datetime  # the time every row of the load is stamped with


class Checker:
    """The child process. Started before the importer knows whether it will be needed, so that
    its start-up (Python, Django, pyarrow: about a second) overlaps the importer's own; given
    its job by `chunks`; `stop` ends it in every case."""

    def __init__(self) -> None:
        self.process, self.pipe = django_child_start(
            "jinqi.registry.importing.firstload.prepare", name="jinqi-import-check"
        )
        self.finished = False

    @classmethod
    def for_file(cls, scan: Scan) -> Checker | None:
        """A checker if importing this file may be a first load in a child: on PostgreSQL, a
        Parquet file (checked as such by `scan_file`), an empty registry."""
        if connection.vendor != "postgresql" or scan.kind != "parquet":
            return None
        return None if Enterprise.objects.exists() else cls()

    def chunks(self, job: Job) -> Iterator[Checked]:
        """The file's chunks checked in order, each with its COPY data (`Checked.copies`);
        raises what stopped the child."""
        pipe = self.pipe
        try:
            pipe.send(job)
            while True:
                kind, *body = pipe.recv()
                if kind == "layouts":
                    pipe.send(layouts_get_or_create(body[0]))
                elif kind == "chunk":
                    checked, statements = body
                    checked.copies = [Copy(sql, pipe.recv_bytes()) for sql in statements]
                    yield checked
                elif kind == "file_error":
                    raise ImportFileError(body[0])
                elif kind == "refused":
                    raise DomainError(body[0])
                elif kind == "failed":  # a bug, not the file: a crash, as in the importer
                    raise RuntimeError(f"The checking process failed:\n{body[0]}")
                else:
                    self.finished = True
                    return
        except (EOFError, BrokenPipeError, ConnectionResetError):
            raise DomainError(_("The process that checks the file stopped unexpectedly.")) from None

    def stop(self) -> None:
        self.pipe.close()
        django_child_stop(self.process, finished=self.finished)


def prepare(pipe: Connection) -> None:
    """The child: checks the chunks and writes their COPY data, in the importer's language."""
    try:
        job: Job = pipe.recv()
        with translation.override(job.language):
            _prepare(pipe, job)
    except (BrokenPipeError, EOFError):
        return  # the importer is gone (it failed or was killed): no one to tell
    except ImportFileError as error:
        pipe.send(("file_error", error.problems))
    except DomainError as error:
        pipe.send(("refused", error.message))
    except Exception:
        pipe.send(("failed", traceback.format_exc()))


def _prepare(pipe: Connection, job: Job) -> None:
    table = open_table(job.path, job.scan)
    try:
        assert table.record_batches is not None, "a first load in a child reads Parquet"
        columnar = ColumnarValidator(job.columns, job.validator)
        layout_ids: dict[tuple[str, ...], int] = {}
        first = 2  # the header is row 1
        for part in record_batches(table.record_batches(), job.chunk_size, 0):
            checked = columnar.check(first, part)
            copies = _copies(pipe, job, checked, layout_ids)
            pipe.send(("chunk", checked, [copy.statement for copy in copies]))
            for copy in copies:
                pipe.send_bytes(memoryview(copy.data))
            first = checked.last + 1
        pipe.send(("end",))
    finally:
        table.close()


def _copies(
    pipe: Connection, job: Job, checked: Checked, layout_ids: dict[tuple[str, ...], int]
) -> list[Copy]:
    """The COPY data of the chunk's clean rows that name their enterprise (those that do not
    are rejected, as the importer would); leaves `checked` without its table."""
    fast, checked.fast = checked.fast, None
    if fast is None or not len(fast):
        return []
    given = named(fast)
    checked.rejected += new_without_name(valid_rows(fast.filter(pc.invert(given))), {})
    fast = fast.filter(given)
    if not len(fast):
        return []
    new = new_rows(fast, job.town_codes)
    unknown = [refs for refs in new.layouts if refs and refs not in layout_ids]
    if unknown:
        pipe.send(("layouts", unknown))
        layout_ids.update(pipe.recv())
    numbers = fast.column("number").to_numpy()
    ids = pa.array(numbers - 2 + job.first_id)
    tables: list[tuple[Any, dict[str, pa.Array]]] = [
        (Enterprise, {"id": ids, **enterprise_columns(new.registration, new.capital, job.now)}),
        *new_tables(
            new, ids, layout_ids, source_id=job.source_id, as_of=job.as_of,
            batch_id=job.batch_id, now=job.now,
        ),
    ]  # fmt: skip
    checked.copied, checked.copied_facts = len(fast), new.facts
    return [copy for model, columns in tables if (copy := copy_of(model, columns)) is not None]
