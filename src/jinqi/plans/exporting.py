"""The ledger (台账): one row per measure, as CSV (UTF-8 with BOM, for Excel) or XLSX."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from jinqi.plans.models import Plan
from jinqi.plans.selectors import MeasureState, measure_states
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
    sheet.title = plan.code[:31]
    sheet.append(list(LEDGER_COLUMNS))
    for values in ledger_rows(measure_states(plan)):
        sheet.append([int(values[0]), values[1] == "true", *values[2:]])
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
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
