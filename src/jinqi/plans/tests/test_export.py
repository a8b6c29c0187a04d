"""`jinqi plan export` and `jinqi plan import` from the command line: the ledger as CSV or XLSX,
data on stdout, progress on stderr, and a bad file refused as a whole."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from jinqi.audit.models import AuditEvent
from jinqi.plans.models import Assignment, Measure, Plan
from jinqi.plans.tests.factories import import_plan, jinshan_2022_csv, small_plan_csv

pytestmark = pytest.mark.django_db

HEADER = "seq,pilot,service_area,action,reform_item,measure,units,deadline,status,last_report_on"


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def jinshan() -> Plan:
    return import_plan(jinshan_2022_csv(), code="jinshan-2022")


def run(*args: str) -> tuple[str, str]:
    """Run `plan …` and return what it wrote to stdout and to stderr."""
    out, err = io.StringIO(), io.StringIO()
    call_command("plan", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_csv_ledger_goes_to_stdout_with_one_line_per_measure(jinshan: Plan) -> None:
    """The CSV has a BOM for Excel, the exact header, 100 rows, and nothing else on stdout."""
    out, err = run("export", "jinshan-2022", "--format", "csv")

    assert out.startswith("\ufeff" + HEADER + "\n")
    lines = out.removeprefix("\ufeff").splitlines()
    assert len(lines) == 101
    assert lines[0] == HEADER
    assert err.strip() == "exported 100 measures of jinshan-2022"


def test_csv_ledger_keeps_the_plans_wording(jinshan: Plan) -> None:
    """Units are written as in the plan (groups not expanded), a missing deadline stays empty,
    pilots are true/false, and every row has every column."""
    out, _err = run("export", "jinshan-2022", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out.removeprefix("\ufeff"))))

    by_seq = {row["seq"]: row for row in rows}
    assert [row["seq"] for row in rows] == [str(n) for n in range(1, 101)]
    assert by_seq["68"]["deadline"] == ""
    assert by_seq["16"]["units"] == "公安金山分局、区民政局、相关街镇、园区"
    assert by_seq["32"]["units"] == "各镇、园区"
    assert by_seq["3"]["deadline"] == "持续推进"
    assert {row["pilot"] for row in rows} == {"true", "false"}
    assert sum(row["pilot"] == "true" for row in rows) == 40
    assert {row["status"] for row in rows} <= {"not_started", "completed"}
    assert all(None not in row and None not in row.values() for row in rows)


def test_xlsx_ledger_is_for_people_in_chinese(jinshan: Plan, tmp_path: Path) -> None:
    """The XLSX opens in openpyxl with the plan's Chinese headings, 是/否, the status in words
    and the same 100 measures as the CSV, in the same order."""
    target = tmp_path / "ledger.xlsx"
    with translation.override("zh-hans"):
        out, err = run("export", "jinshan-2022", "--format", "xlsx", "--output", str(target))
    assert out == ""
    assert "exported 100 measures" in err

    book = openpyxl.load_workbook(target, read_only=True)
    sheet = book.worksheets[0]
    title = sheet.title
    cells = [list(row) for row in sheet.iter_rows(values_only=True)]
    book.close()
    csv_out, _err = run("export", "jinshan-2022")
    csv_rows = list(csv.DictReader(io.StringIO(csv_out.removeprefix("\ufeff"))))

    assert title == "台账"
    assert cells[0] == [
        "序号",
        "创新试点",
        "三个服务",
        "相关行动",
        "改革事项",
        "具体举措",
        "责任单位",
        "时间节点",
        "推进状态",
        "最近报告",
    ]
    assert len(cells) == 101
    assert [row[0] for row in cells[1:]] == list(range(1, 101))  # numbers, not text
    assert [row[5] for row in cells[1:]] == [row["measure"] for row in csv_rows]
    assert {row[1] for row in cells[1:]} == {"是", "否"}
    assert sum(row[1] == "是" for row in cells[1:]) == 40
    assert {row[8] for row in cells[1:]} <= {"未启动", "已完成"}
    flat = {str(value) for row in cells[1:] for value in row if value is not None}
    assert not flat & {"true", "false", "TRUE", "FALSE", "not_started", "completed"}


@pytest.mark.parametrize("form", ["csv", "xlsx"])
def test_an_exported_ledger_imports_back_as_the_same_plan(
    jinshan: Plan, tmp_path: Path, form: str
) -> None:
    """The CSV (stable keys) and the XLSX (Chinese headings) both import back into a plan with
    the same measures, pilots, units and deadlines."""
    target = tmp_path / f"ledger.{form}"
    run("export", "jinshan-2022", "--format", form, "--output", str(target))
    run("import", str(target), "--code", "again-2022", "--title", "再导入", "--year", "2022")

    def measures(code: str) -> list[tuple[object, ...]]:
        return list(
            Measure.objects.filter(plan__code=code)
            .order_by("seq")
            .values_list("seq", "pilot", "service_area", "text", "deadline_text", "due_date")
        )

    assert measures("again-2022") == measures("jinshan-2022")


def test_xlsx_needs_an_output_file(jinshan: Plan) -> None:
    """A workbook is never written to the terminal."""
    with pytest.raises(CommandError, match="--output FILE is required for --format xlsx"):
        run("export", "jinshan-2022", "--format", "xlsx")


def test_unknown_plan_code_is_a_clear_error() -> None:
    """Exporting a plan that does not exist names the code."""
    with pytest.raises(CommandError) as caught:
        run("export", "no-such-plan")
    assert str(caught.value) == "no plan with the code 'no-such-plan'"


def test_bad_file_import_lists_every_problem_and_imports_nothing(tmp_path: Path) -> None:
    """Every bad row is printed, the command fails with 'nothing was imported', and the database
    keeps what it had."""
    import_plan(small_plan_csv(), code="existing")
    bad = tmp_path / "bad.csv"
    bad.write_bytes(
        small_plan_csv(
            "1,是,一、基本服务,（一）行动一,事项一,举措一,区市场监管局,6月",
            "2,否,一、基本服务,（一）行动一,事项二,举措二,区不存在局,6月",
            "3,否,一、基本服务,（一）行动一,事项三,举措三,区财政局,明年",
        )
    )
    counts = (
        Plan.objects.count(),
        Measure.objects.count(),
        Assignment.objects.count(),
        AuditEvent.objects.count(),
    )
    err = io.StringIO()

    with pytest.raises(CommandError) as caught:
        call_command(
            "plan",
            "import",
            str(bad),
            "--code",
            "new-plan",
            "--title",
            "新方案",
            "--year",
            "2022",
            stderr=err,
        )

    assert str(caught.value) == "2 problems found; nothing was imported."
    problems = err.getvalue().splitlines()
    assert len(problems) == 2
    assert problems[0].startswith("Row 3: ") and "区不存在局" in problems[0]
    assert problems[1].startswith("Row 4: ") and "明年" in problems[1]
    assert (
        Plan.objects.count(),
        Measure.objects.count(),
        Assignment.objects.count(),
        AuditEvent.objects.count(),
    ) == counts


def test_good_file_import_reports_progress_on_stderr(tmp_path: Path) -> None:
    """A good table is imported and the summary, with measures lacking a deadline, goes to
    stderr."""
    table = tmp_path / "plan.csv"
    table.write_bytes(
        small_plan_csv(
            "1,是,一、基本服务,（一）行动一,事项一,举措一,区市场监管局,6月",
            "2,否,一、基本服务,（一）行动一,事项二,举措二,区财政局,",
        )
    )
    out, err = run("import", str(table), "--code", "cli-2022", "--title", "方案", "--year", "2022")
    assert out == ""
    assert err.splitlines() == [
        "cli-2022: 2 created, 0 updated, 0 unchanged",
        "deadline not stated, for the lead office to complete: 2",
    ]
    assert Plan.objects.get(code="cli-2022").measures.count() == 2


def test_xlsx_ledger_keeps_formula_like_text_as_text(tmp_path: Path) -> None:
    """A measure text starting with = stays text in the workbook (no formula injection)."""
    import_plan(
        small_plan_csv(
            '1,是,一、基本服务,（一）行动一,事项一,"=HYPERLINK(""x"")",区市场监管局,6月'
        ),
        code="formula-2022",
    )
    target = tmp_path / "ledger.xlsx"
    run("export", "formula-2022", "--format", "xlsx", "--output", str(target))
    sheet = openpyxl.load_workbook(target).active
    assert sheet is not None
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row if cell.value]
    formula_like = [cell for cell in cells if str(cell.value).startswith("=")]
    assert formula_like, "the measure text should be in the ledger"
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in formula_like)
