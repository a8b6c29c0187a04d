"""Lists offered as an XLSX download: one sheet, a header row, the rows as people read them
(是/否 for yes/no, times in local time).

Text that a spreadsheet would read as a formula (starting with = + - @, a tab or a carriage
return: CSV/formula injection) is written as a text cell with Excel's quote prefix, so it shows
as typed and stays text even when someone edits the cell."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse
from django.utils.timezone import is_aware, localtime
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _is_formula_like(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def xlsx_bytes(title: str, header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> bytes:
    """A workbook of one sheet named `title` (cut to Excel's 31 characters)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title[:31]
    for column, value in enumerate(header, start=1):
        _write(sheet, 1, column, str(value)).font = Font(bold=True)
    for row_number, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            _write(sheet, row_number, column, value)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _write(sheet: Any, row: int, column: int, value: Any) -> Any:
    cell = sheet.cell(row=row, column=column)
    cell.value = for_people(value)
    keep_as_text(cell)
    if isinstance(cell.value, dt.datetime):
        cell.number_format = "yyyy-mm-dd hh:mm"
    elif isinstance(cell.value, dt.date):
        cell.number_format = "yyyy-mm-dd"
    return cell


def for_people(value: Any) -> Any:
    """A value as a person reads it in a spreadsheet: 是/否 for yes/no, a moment in local time
    (Excel keeps no time zone), anything else as it is."""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, dt.datetime) and is_aware(value):
        return localtime(value).replace(tzinfo=None)
    return value


def keep_as_text(cell: Any) -> None:
    """For workbooks built by hand: a written cell whose text looks like a formula stays text."""
    if _is_formula_like(cell.value):
        cell.data_type = "s"  # openpyxl made it a formula ("f"); keep it text
        cell.quotePrefix = True


def csv_text(value: Any) -> Any:
    """A CSV value a spreadsheet opening the file will not run as a formula (OWASP: a leading
    apostrophe)."""
    return f"'{value}" if _is_formula_like(value) else value


def xlsx_response(
    filename: str, title: str, header: Sequence[Any], rows: Iterable[Sequence[Any]]
) -> HttpResponse:
    response = HttpResponse(xlsx_bytes(title, header, rows), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
