"""Reading a plan's measure table from CSV or XLSX: every row validated, every problem reported.

Parsing writes nothing; `services.plan_import` stores a table only when it has no errors.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

import openpyxl  # defusedxml, installed, guards openpyxl's XML parsing too
from django.utils.translation import gettext as _

from jinqi.accounts.models import Department
from jinqi.core.text import TextRefusedError, text_clean
from jinqi.core.uploads import CSV, XLSX, FileRefusedError, UploadPurpose, check_file
from jinqi.plans.enums import DeadlineKind
from jinqi.plans.vocabulary import (
    COLUMN_ALIASES,
    COLUMN_LABELS,
    COMPLETED_WORDS,
    CONTINUOUS_WORDS,
    FALSE_WORDS,
    PILOT_MARK,
    REQUIRED_COLUMNS,
    TRUE_WORDS,
    UNIT_SEPARATORS,
)

CARRY_DOWN = ("service_area", "action", "reform_item")
MONTH_RE = re.compile(r"^(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月(?:底|末)?$")
ISO_DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


@dataclass(frozen=True)
class RowError:
    row: int | None  # spreadsheet row number (the header is row 1); None for the whole file
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}


class PlanFileError(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


@dataclass(frozen=True)
class UnitRef:
    department: Department
    written_as: str


@dataclass
class MeasureRow:
    row: int
    seq: int
    pilot: bool
    service_area: str
    action: str
    reform_item: str
    measure: str
    units: list[UnitRef]
    deadline_kind: str
    deadline_text: str
    due_date: dt.date | None
    notes: list[str] = field(default_factory=list)


# The measure table is read at once and never stored: no one downloads it.
PLAN_TABLE = UploadPurpose(
    key="plans.table", allowed_types=(CSV, XLSX), can_download=lambda user, stored: False
)


def read_table(content: bytes, *, file_name: str) -> list[list[str]]:
    """The rows of a CSV (UTF-8 or GBK) or XLSX file, as text cells, once the file has passed
    the shared check of every incoming file (core.uploads.check_file)."""
    try:
        content_type = check_file(io.BytesIO(content), name=file_name, purpose=PLAN_TABLE)
    except FileRefusedError as error:
        raise PlanFileError([RowError(None, error.message)]) from error
    if not content.strip():
        raise PlanFileError([RowError(None, _("The file is empty."))])
    if content_type == XLSX:
        return _read_xlsx(content)
    return _read_csv(content)


def _read_xlsx(content: bytes) -> list[list[str]]:
    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a damaged workbook
        # Its message is English and technical: the user reads ours, the log keeps the cause.
        raise PlanFileError(
            [RowError(None, _("The file is not a readable XLSX workbook."))]
        ) from error
    if not book.worksheets:
        book.close()
        raise PlanFileError([RowError(None, _("The workbook has no worksheet."))])
    sheet = book.worksheets[0]
    rows = [
        ["" if cell is None else str(cell).strip() for cell in row]
        for row in sheet.iter_rows(values_only=True)
    ]
    book.close()
    return rows


def _read_csv(content: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        break
    else:
        raise PlanFileError(
            [
                RowError(
                    None,
                    _(
                        "The file's encoding is not recognised: save the CSV as UTF-8 or GBK, "
                        "or upload an XLSX workbook."
                    ),
                )
            ]
        )
    if "\x00" in text:
        raise PlanFileError(
            [RowError(None, _("The file is not a CSV or XLSX table (it contains binary data)."))]
        )
    return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text))]


def normalise(text: str) -> str:
    """Full-width forms folded (NFKC keeps CJK), spaces from line wraps removed."""
    folded = unicodedata.normalize("NFKC", text)
    return re.sub(r"\s+", "", folded)


class UnitResolver:
    """Finds the departments named in a 责任单位 cell, longest known name first."""

    def __init__(self, departments: Iterable[Department]) -> None:
        self.by_name: dict[str, Department] = {}
        for department in departments:
            for name in (department.name, *department.aliases):
                self.by_name[normalise(name)] = department
        self.names = sorted(self.by_name, key=len, reverse=True)

    def resolve(self, cell: str) -> tuple[list[UnitRef], list[str]]:
        """The units in the cell, and the parts that name no known unit."""
        text = normalise(cell)
        found: list[UnitRef] = []
        unknown: list[str] = []
        position = 0
        pending = ""
        while position < len(text):
            if text[position] in UNIT_SEPARATORS:
                if pending:
                    unknown.append(pending)
                    pending = ""
                position += 1
                continue
            name = next((n for n in self.names if text.startswith(n, position)), None)
            if name is None:
                pending += text[position]
                position += 1
                continue
            if pending:
                unknown.append(pending)
                pending = ""
            found.append(UnitRef(self.by_name[name], _original_span(cell, name)))
            position += len(name)
        if pending:
            unknown.append(pending)
        return found, unknown


def _original_span(cell: str, normalised_name: str) -> str:
    """The plan's own spelling of a unit (e.g. full-width brackets), without wrap spaces."""
    return normalised_name.replace("(", "（").replace(")", "）")


def parse_deadline(text: str, year: int) -> tuple[str, dt.date | None] | None:
    value = normalise(text)
    if not value:
        return DeadlineKind.NOT_STATED, None
    if value in {normalise(w) for w in CONTINUOUS_WORDS}:
        return DeadlineKind.CONTINUOUS, None
    if value in {normalise(w) for w in COMPLETED_WORDS}:
        return DeadlineKind.COMPLETED, None
    if match := MONTH_RE.match(value):
        month_year = int(match.group(1) or year)
        month = int(match.group(2))
        if 1 <= month <= 12:
            last = calendar.monthrange(month_year, month)[1]
            return DeadlineKind.MONTH, dt.date(month_year, month, last)
    if match := ISO_DATE_RE.match(value):
        try:
            return DeadlineKind.MONTH, dt.date(*(int(g) for g in match.groups()))
        except ValueError:
            return None
    return None


def _header_map(header: list[str]) -> tuple[dict[str, int], list[RowError]]:
    positions: dict[str, int] = {}
    cleaned = [normalise(h) for h in header]
    for key, names in COLUMN_ALIASES.items():
        for name in names:
            if name in cleaned:
                positions[key] = cleaned.index(name)
                break
    missing = [COLUMN_LABELS[k] for k in REQUIRED_COLUMNS if k not in positions]
    if missing:
        return positions, [
            RowError(
                1,
                _("missing columns: %(missing)s (the header must name %(all)s).")
                % {
                    "missing": "、".join(missing),
                    "all": "、".join(COLUMN_LABELS[k] for k in REQUIRED_COLUMNS),
                },
            )
        ]
    return positions, []


def parse_measure_table(
    rows: list[list[str]], *, year: int, departments: Iterable[Department]
) -> list[MeasureRow]:
    """Validate every row; raise PlanFileError listing all problems, or return the measures."""
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        raise PlanFileError([RowError(None, _("The file is empty."))])
    positions, errors = _header_map(rows[0])
    if errors:
        raise PlanFileError(errors)
    if len(rows) == 1:
        raise PlanFileError([RowError(None, _("The file has a header but no measures."))])
    resolver = UnitResolver(departments)
    parsed: list[MeasureRow] = []
    seen_seq: dict[int, int] = {}
    above = {key: "" for key in CARRY_DOWN}
    for index, typed in enumerate(rows[1:], start=2):
        raw, refusals = _through_boundary(typed)

        def cell(key: str, raw: list[str] = raw) -> str:
            pos = positions.get(key)
            return raw[pos].strip() if pos is not None and pos < len(raw) else ""

        row_errors: list[str] = refusals
        seq_text = normalise(cell("seq"))
        pilot = seq_text.endswith(PILOT_MARK)
        seq_text = seq_text.rstrip(PILOT_MARK)
        seq = int(seq_text) if seq_text.isdigit() else None
        if seq is None or seq == 0:
            row_errors.append(
                _("序号 “%(value)s” is not a positive whole number.") % {"value": cell("seq")}
            )
        elif seq in seen_seq:
            row_errors.append(
                _("序号 %(seq)s appears twice (also in row %(other)s).")
                % {"seq": seq, "other": seen_seq[seq]}
            )
        else:
            seen_seq[seq] = index
        pilot_text = cell("pilot")
        if pilot_text in TRUE_WORDS:
            pilot = True
        elif pilot_text not in FALSE_WORDS:
            row_errors.append(_("创新试点 “%(value)s” should be 是 or 否.") % {"value": pilot_text})
        values = {}
        for key in CARRY_DOWN:
            value = cell(key) or above[key]
            if not value:
                row_errors.append(
                    _("%(column)s is empty and there is no row above to take it from.")
                    % {"column": COLUMN_LABELS[key]}
                )
            values[key] = above[key] = value
        measure_text = cell("measure")
        if not measure_text:
            row_errors.append(_("具体举措 is empty."))
        units_text = cell("units")
        units, unknown = resolver.resolve(units_text)
        if not units_text:
            row_errors.append(_("责任单位 is empty."))
        for name in unknown:
            row_errors.append(
                _("unknown responsible unit “%(name)s” (see docs/departments.md for the names).")
                % {"name": name}
            )
        deadline_text = cell("deadline")
        deadline = parse_deadline(deadline_text, year)
        if deadline is None:
            row_errors.append(
                _(
                    "时间节点 “%(value)s” is not a deadline (write e.g. 6月, 持续推进, "
                    "已完成，巩固成效, or leave it empty if the plan states none)."
                )
                % {"value": deadline_text}
            )
        if row_errors:
            errors.extend(RowError(index, message) for message in row_errors)
            continue
        assert seq is not None and deadline is not None
        parsed.append(
            MeasureRow(
                row=index,
                seq=seq,
                pilot=pilot,
                service_area=values["service_area"],
                action=values["action"],
                reform_item=values["reform_item"],
                measure=measure_text,
                units=_dedupe(units),
                deadline_kind=deadline[0],
                deadline_text=deadline_text,
                due_date=deadline[1],
            )
        )
    if errors:
        raise PlanFileError(errors)
    return parsed


def _through_boundary(cells: list[str]) -> tuple[list[str], list[str]]:
    """The row's cells as the text boundary stores them (a cell may hold line breaks), and its
    refusals; a refused cell reads as empty so that the row's other problems are found too."""
    cleaned: list[str] = []
    refusals: list[str] = []
    for text in cells:
        try:
            cleaned.append(text_clean(text, multiline=True))
        except TextRefusedError as refused:
            cleaned.append("")
            refusals.append(refused.message)
    return cleaned, refusals


def _dedupe(units: list[UnitRef]) -> list[UnitRef]:
    seen: set[int] = set()
    result = []
    for unit in units:
        if unit.department.pk not in seen:
            seen.add(unit.department.pk)
            result.append(unit)
    return result
