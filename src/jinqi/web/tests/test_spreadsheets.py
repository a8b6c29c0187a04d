"""Exports never hand a spreadsheet a formula: formula-like text stays text."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.utils import translation

from jinqi.web.spreadsheets import csv_text, xlsx_bytes


@pytest.mark.parametrize("text", ["=1+1", "+86 21", "-5", "@SUM(A1)", "\tx", "\rx"])
def test_formula_like_text_is_quoted_in_csv(text: str) -> None:
    assert csv_text(text) == "'" + text


@pytest.mark.parametrize("value", ["上海金山", "1=1", 5, None, 2.5])
def test_other_values_are_left_alone(value: object) -> None:
    assert csv_text(value) == value


def test_xlsx_cells_that_look_like_formulas_stay_text() -> None:
    data = xlsx_bytes("t", ["a", "b"], [['=HYPERLINK("http://x","y")', "普通文字"]])
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    formula_like, plain = sheet["A2"], sheet["B2"]
    assert formula_like.data_type == "s" and formula_like.quotePrefix
    assert formula_like.value == '=HYPERLINK("http://x","y")'
    assert plain.value == "普通文字"


def test_xlsx_cells_read_as_people_read_them() -> None:
    """Yes/no becomes 是/否 and a moment is written in local time (Beijing), with a date
    format, since a spreadsheet keeps no time zone."""
    moment = dt.datetime(2026, 3, 1, 17, 30, tzinfo=dt.UTC)
    with translation.override("zh-hans"):
        data = xlsx_bytes("t", ["a", "b", "c"], [[True, False, moment]])
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    assert [cell.value for cell in sheet[2]] == ["是", "否", dt.datetime(2026, 3, 2, 1, 30)]
    assert sheet["C2"].number_format == "yyyy-mm-dd hh:mm"
