"""Reading a department's file: its kind recognised by content (never by its name), its
encoding checked, its rows streamed one at a time with bounded memory."""

from __future__ import annotations

import codecs
import csv
import hashlib
import re
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, NamedTuple

import openpyxl  # defusedxml, installed, guards openpyxl's XML parsing too
import puremagic
import pyarrow as pa
import pyarrow.parquet as pq
from django.utils.translation import gettext as _

from jinqi.core.errors import DomainError
from jinqi.core.uploads import PARQUET, XLSX, FileRefusedError, check_file, purpose

MAX_CELL = 10_000  # characters; a longer cell rejects its row
MAX_LINE = 1_000_000  # characters of one CSV line held at once; the rest is skipped unread
IMPORT_FILE_PURPOSE = "registry.import_file"  # a department's file, queued for import
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class ImportFileError(DomainError):
    """The whole file is refused; `problems` lists why, and nothing was imported."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__(" ".join(problems), details=list(problems))
        self.problems = list(problems)


class RawRow(NamedTuple):
    number: int  # as the file shows it: the header is row 1
    cells: Sequence[Any]
    problem: str = ""  # the reader could not read the row


@dataclass
class _Table:
    header: list[Any]
    rows: Iterator[RawRow]
    rows_estimate: int | None
    close: Callable[[], None]
    # Parquet only: the rows again, from the start, as Arrow record batches.
    record_batches: Callable[[], Iterator[pa.RecordBatch]] | None = None


@dataclass(frozen=True)
class Scan:
    sha256: str
    kind: str  # "csv", "xlsx" or "parquet"
    encoding: str = ""
    lines: int = 0  # of a CSV, counting the header (more when cells hold line breaks)


def scan_file(path: Path) -> Scan:
    """The file's digest and kind; a CSV's encoding checked. The file first passes the shared
    check of every incoming file (`core.uploads.check_file`: kind by content, never by its name;
    archive limits; no XML entities; Parquet's footer), so nothing opens it before that."""
    try:
        content_type = check_file(
            path, name=path.name, purpose=purpose(IMPORT_FILE_PURPOSE), size_limited=False
        )
    except FileRefusedError as error:
        raise ImportFileError([error.message]) from error
    with path.open("rb") as handle:
        if content_type == XLSX:
            return Scan(_digest(handle), "xlsx")
        if content_type == PARQUET:
            return Scan(_digest(handle), "parquet")
        head = handle.read(65536)
        handle.seek(0)
        return _scan_text(handle, head)


def _digest(handle: IO[bytes]) -> str:
    handle.seek(0)
    digest = hashlib.sha256()
    for block in iter(lambda: handle.read(1 << 20), b""):
        digest.update(block)
    return digest.hexdigest()


def _not_a_table(head: bytes) -> ImportFileError:
    try:
        kind = puremagic.magic_string(head)[0].extension.lstrip(".").upper()
    except (puremagic.PureError, IndexError, ValueError):
        kind = ""
    if kind:
        return ImportFileError(
            [
                _("The file is not a CSV, XLSX or Parquet table: its content is %(kind)s.")
                % {"kind": kind}
            ]
        )
    return ImportFileError([_("The file is not a CSV, XLSX or Parquet table.")])


def _scan_text(handle: IO[bytes], head: bytes) -> Scan:
    """Digest, line count and encoding: UTF-8 if the whole file decodes as UTF-8, else GB18030
    (a superset of GBK) in a second pass."""
    digest = hashlib.sha256()
    lines, last = 0, b"\n"
    utf8 = codecs.getincrementaldecoder("utf-8-sig")()
    encoding, first_text = "utf-8-sig", ""
    for block in iter(lambda: handle.read(1 << 20), b""):
        digest.update(block)
        lines += block.count(b"\n")
        last = block[-1:]
        if encoding:
            try:
                text = utf8.decode(block)
                first_text = first_text or text[:65536]
            except UnicodeDecodeError:
                encoding = ""
    if encoding:
        try:
            utf8.decode(b"", final=True)
        except UnicodeDecodeError:
            encoding = ""
    if not encoding:
        handle.seek(0)
        encoding, first_text = "gb18030", _decoded_start(handle, "gb18030")
    binary = CONTROL_CHARACTERS.search(first_text if encoding else head.decode("latin-1"))
    if binary:
        raise _not_a_table(head)
    if not encoding:
        raise ImportFileError(
            [
                _(
                    "The file's encoding is not recognised: save the CSV as UTF-8 or GBK, or use "
                    "XLSX or Parquet."
                )
            ]
        )
    if not first_text.strip():
        raise ImportFileError([_("The file is empty.")])
    return Scan(digest.hexdigest(), "csv", encoding, lines + (last != b"\n"))


def _decoded_start(handle: IO[bytes], encoding: str) -> str:
    """The first characters of the whole file decoded, or "" if it does not decode."""
    decoder = codecs.getincrementaldecoder(encoding)()
    start = ""
    try:
        for block in iter(lambda: handle.read(1 << 20), b""):
            text = decoder.decode(block)
            start = start or text[:65536]
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return ""
    return start or " "  # decodes, though maybe to nothing but a BOM


def open_table(path: Path, scan: Scan) -> _Table:
    if scan.kind == "xlsx":
        return _read_xlsx(path)
    if scan.kind == "parquet":
        return _read_parquet(path)
    return _read_csv(path, scan)


class _BoundedLines:
    """The lines of a text file for the csv module, none longer than MAX_LINE: the rest of an
    overlong line is skipped unread and replaced by a cell the parser refuses as too long."""

    def __init__(self, handle: IO[str]) -> None:
        self.handle = handle
        self.first_line = ""  # of the record being read, to name its code when it is refused

    def __iter__(self) -> _BoundedLines:
        return self

    def __next__(self) -> str:
        line = self.handle.readline(MAX_LINE)
        if not line:
            raise StopIteration
        if not self.first_line:
            self.first_line = line[: MAX_CELL * 2]
        if len(line) == MAX_LINE and not line.endswith(("\n", "\r")):
            while True:
                rest = self.handle.readline(MAX_LINE)
                if not rest or rest.endswith(("\n", "\r")):
                    break
            return "x" * (MAX_CELL + 1) + "\n"
        return line


def _read_csv(path: Path, scan: Scan) -> _Table:
    handle = path.open(encoding=scan.encoding, newline="")
    lines = _BoundedLines(handle)
    reader = csv.reader(lines)
    # The parser refuses a cell longer than this instead of growing it (the limit is global to
    # the csv module, so it is set only while this file is read).
    previous_limit = csv.field_size_limit(MAX_CELL)
    try:
        header = next(reader, [])
    except csv.Error as error:
        handle.close()
        raise ImportFileError([_("The header row cannot be read: %s.") % error]) from error
    finally:
        csv.field_size_limit(previous_limit)

    def rows() -> Generator[RawRow]:
        number = 1
        limit = csv.field_size_limit(MAX_CELL)
        try:
            while True:
                lines.first_line = ""
                try:
                    cells = next(reader)
                except StopIteration:
                    return
                except csv.Error as error:
                    number += 1
                    too_long = "field larger than field limit" in str(error)
                    yield RawRow(
                        number,
                        _prefix_cells(lines.first_line),
                        _("a cell is longer than %(n)s characters") % {"n": f"{MAX_CELL:,}"}
                        if too_long
                        else _("the row cannot be read: %s") % error,
                    )
                    continue
                number += 1
                yield RawRow(number, cells)
        finally:
            csv.field_size_limit(limit)

    iterator = rows()

    def close() -> None:
        iterator.close()
        handle.close()

    return _Table(header, iterator, max(scan.lines - 1, 0), close)


def _prefix_cells(line: str) -> list[str]:
    """The cells that can be read from the start of a refused line (to report its code)."""
    try:
        return next(csv.reader([line[:MAX_CELL]]), [])
    except csv.Error:
        return []


def _read_xlsx(path: Path) -> _Table:
    # Memory stays bounded: read_only streams the sheet row by row, and zipfile never inflates a
    # part past the size its central directory declares, which scan_file has checked.
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a damaged workbook
        # Its message is English and technical: the user reads ours, the log keeps the cause.
        raise ImportFileError([_("The file is not a readable XLSX workbook.")]) from error
    if not book.worksheets:
        book.close()
        raise ImportFileError([_("The workbook has no worksheet.")])
    sheet = book.worksheets[0]
    iterator = sheet.iter_rows(values_only=True)
    header = list(next(iterator, ()))
    estimate = (sheet.max_row - 1) if sheet.max_row else None

    rows = (RawRow(number, cells) for number, cells in enumerate(iterator, start=2))
    return _Table(header, rows, estimate, book.close)


def _read_parquet(path: Path) -> _Table:
    try:
        parquet = pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as error:
        raise ImportFileError([_("The file is not a readable Parquet file.")]) from error

    def rows() -> Iterator[RawRow]:
        number = 1
        try:
            # Small batches: the column-by-column import reads only the first non-empty row here.
            for batch in parquet.iter_batches(batch_size=1_000):
                columns = [column.to_pylist() for column in batch.columns]
                for cells in zip(*columns, strict=True):
                    number += 1
                    yield RawRow(number, cells)
        except (pa.ArrowException, OSError) as error:  # a damaged page: OSError
            raise ImportFileError(
                [
                    _("The Parquet file is damaged: it cannot be read after row %(row)s.")
                    % {"row": number}
                ]
            ) from error

    def record_batches() -> Iterator[pa.RecordBatch]:
        number = 1
        try:
            for batch in pq.ParquetFile(path).iter_batches(batch_size=65_536):
                yield batch
                number += batch.num_rows
        except (pa.ArrowException, OSError) as error:  # a damaged page: OSError
            raise ImportFileError(
                [
                    _("The Parquet file is damaged: it cannot be read after row %(row)s.")
                    % {"row": number}
                ]
            ) from error

    return _Table(
        list(parquet.schema_arrow.names),
        rows(),
        parquet.metadata.num_rows,
        parquet.close,
        record_batches,
    )
