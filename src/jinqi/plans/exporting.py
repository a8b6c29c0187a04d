"""The ledger (台账): one row per measure.

Two forms for two readers. The CSV is for machines: stable English keys, `true`/`false`, ISO
dates and status codes, the columns `jinqi plan import` reads back. The XLSX is for people: the
plan document's own Chinese headings (which the import also reads), 是/否, the status in words
and real dates."""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from jinqi.plans.enums import MeasureStatus
from jinqi.plans.models import Plan
from jinqi.plans.selectors import MeasureState, measure_states
from jinqi.plans.vocabulary import COLUMN_LABELS
from jinqi.web.spreadsheets import keep_as_text

LEDGER_COLUMNS = (
    "seq",
    "pilot",
    "service_area",
    "action",
    "reform_item",
    "measure",
    "units",
    "deadline",
    "status",
    "last_report_on",
)


def ledger_rows(states: list[MeasureState]) -> list[list[str]]:
    return [
        [
            str(s.measure.seq),
            "true" if s.measure.pilot else "false",
            s.measure.service_area,
            s.measure.action,
            s.measure.reform_item,
            s.measure.text,
            s.units_text,
            s.measure.deadline_text,
            s.status,
            s.last_report_on.isoformat() if s.last_report_on else "",
        ]
        for s in states
    ]


def ledger_headings() -> list[str]:
    """The XLSX header: the plan's columns as the plan document names them, then the state."""
    return [
        *(COLUMN_LABELS[key] for key in LEDGER_COLUMNS[:8]),
        _("Status"),
        _("Last report"),
    ]


def _for_people(state: MeasureState) -> list[object]:
    measure = state.measure
    return [
        measure.seq,
        "是" if measure.pilot else "否",  # the plan document's words, which the import reads
        measure.service_area,
        measure.action,
        measure.reform_item,
        measure.text,
        state.units_text,
        measure.deadline_text,
        str(MeasureStatus(state.status).label),
        state.last_report_on,
    ]


def ledger_csv(plan: Plan) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(LEDGER_COLUMNS)
    writer.writerows(ledger_rows(measure_states(plan)))
    return "\ufeff" + buffer.getvalue()


def ledger_xlsx(plan: Plan) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Ledger")
    sheet.append(ledger_headings())
    for state in measure_states(plan):
        sheet.append(_for_people(state))
    header_fill = PatternFill("solid", fgColor="B7202E")
    for cell in sheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = header_fill
    widths = {
        "A": 6,
        "B": 7,
        "C": 24,
        "D": 30,
        "E": 30,
        "F": 60,
        "G": 28,
        "H": 14,
        "I": 12,
        "J": 14,
    }
    for column, width in widths.items():
        sheet.column_dimensions[column].width = width
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            keep_as_text(cell)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
