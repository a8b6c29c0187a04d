"""Importing a plan's measure table: faithful, idempotent, all-or-nothing with clear messages."""

from __future__ import annotations

import pytest

from jinqi.core.tests.archives import xlsx_bomb
from jinqi.plans.enums import DeadlineKind
from jinqi.plans.importing import PlanFileError
from jinqi.plans.models import Assignment, Measure, Plan
from jinqi.plans.tests.factories import import_plan, jinshan_2022_csv, small_plan_csv

pytestmark = pytest.mark.django_db


def test_jinshan_plan_imports_all_measures_with_pilots_and_units() -> None:
    """The shipped table gives 100 measures, 40 pilots, and group units expanded to members."""
    plan = import_plan(jinshan_2022_csv(), code="jinshan-2022")
    assert plan.measures.count() == 100
    assert plan.measures.filter(pilot=True).count() == 40
    m32 = plan.measures.get(seq=32)
    assert [u.written_as for u in m32.units.all()] == ["各镇、园区"]
    assert m32.assignments.count() == 13  # nine towns, Shihua street, three parks
    m3 = plan.measures.get(seq=3)
    assert [u.written_as for u in m3.units.all()] == ["区财政局", "区建管委"]
    assert m3.assignments.get(is_lead=True).department.code == "finance"
    assert plan.measures.get(seq=68).deadline_kind == DeadlineKind.NOT_STATED


def test_reimport_updates_without_duplicating() -> None:
    """Importing the same table twice leaves one copy; a changed cell updates the measure."""
    import_plan(small_plan_csv())
    changed = small_plan_csv(
        "1,是,一、基本服务,（一）行动一,事项一,举措一（修订）,区市场监管局,9月",
        "2,否,一、基本服务,（一）行动一,事项二,举措二,区财政局、区建管委,持续推进",
        "3,否,一、基本服务,（二）行动二,事项三,举措三,各镇、园区,12月",
    )
    import_plan(changed)
    assert Plan.objects.count() == 1
    assert Measure.objects.count() == 3
    measure = Measure.objects.get(seq=1)
    assert measure.text == "举措一（修订）"
    assert measure.due_date is not None and measure.due_date.month == 9


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "文件 measures.csv 为空"),
        (
            "序号,三个服务,相关行动\n1,a,b\n".encode(),
            "缺少列：改革事项、具体举措、责任单位、时间节点",
        ),
        (
            small_plan_csv("1,是,一、基本服务,（一）行动一,事项一,举措一,区不存在局,6月"),
            "区不存在局",
        ),
        (small_plan_csv("1,是,一、基本服务,（一）行动一,事项一,举措一,区市场监管局,明年"), "明年"),
        (
            small_plan_csv(
                "1,是,一、基本服务,（一）行动一,事项一,举措一,区市场监管局,6月",
                "1,是,一、基本服务,（一）行动一,事项二,举措二,区市场监管局,6月",
            ),
            "第 3 行：序号 1 重复出现（另见第 2 行）",
        ),
        (b"\xff\xfe\x00\x00garbage\x81\x82", "文件 measures.csv 的类型不符合要求"),
        ("序号,进展\n1,好\n".encode("gb18030") + b"\x81\x30", "无法识别文件编码"),
        (xlsx_bomb(), "文件 measures.csv 不予接收：解压后将达 200 MB，超过 100 MB 的上限。"),
    ],
)
def test_bad_file_is_refused_and_nothing_is_written(content: bytes, expected: str) -> None:
    """Each kind of bad input names the problem (and its row) in Chinese and leaves the database
    as it was."""
    import_plan(small_plan_csv(), code="existing")
    before = (Plan.objects.count(), Measure.objects.count(), Assignment.objects.count())
    with pytest.raises(PlanFileError) as caught:
        import_plan(content, code="new-plan")
    assert expected in str(caught.value)
    assert (Plan.objects.count(), Measure.objects.count(), Assignment.objects.count()) == before


def test_gbk_csv_is_accepted() -> None:
    """Government offices often save CSV in GBK; it imports the same as UTF-8."""
    plan = import_plan(small_plan_csv().decode().encode("gbk"))
    assert plan.measures.get(seq=3).reform_item == "事项三"


def test_error_names_the_row() -> None:
    """Row numbers count the header as row 1, as a spreadsheet shows them."""
    content = small_plan_csv(
        "1,是,一、基本服务,（一）行动一,事项一,举措一,区市场监管局,6月",
        "2,否,一、基本服务,（一）行动一,事项二,,区市场监管局,6月",
    )
    with pytest.raises(PlanFileError) as caught:
        import_plan(content)
    assert [e.row for e in caught.value.errors] == [3]


def test_a_control_character_in_a_cell_is_refused_by_row_and_nothing_is_written() -> None:
    """An escape character in a cell is reported on its row in Chinese; no plan is created."""
    content = small_plan_csv(
        "1,是,一、基本服务,（一）行动一,事项一,举措一,区市场监管局,6月",
        "2,否,一、基本服务,（一）行动一,事项二,举措\x1b二,区市场监管局,6月",
    )
    with pytest.raises(PlanFileError) as caught:
        import_plan(content, code="nul-plan")
    assert {e.row for e in caught.value.errors} == {3}
    assert "不允许" in str(caught.value)
    assert not Plan.objects.filter(code="nul-plan").exists()


def test_cells_are_stored_with_lf_and_in_nfc() -> None:
    """A cell's CR LF becomes LF and its text NFC; full-width punctuation stays."""
    plan = import_plan(
        small_plan_csv(
            '1,是,一、基本服务,（一）行动一,事项一,"举措：\r\ne\u0301。",区市场监管局,6月'
        )
    )
    assert plan.measures.get(seq=1).text == "举措：\n\u00e9。"
