"""Plans for tests: the shipped Jinshan 2022 table, or a small one written inline."""

from __future__ import annotations

from importlib import resources

from jinqi.accounts.services import system_user
from jinqi.plans.models import Plan
from jinqi.plans.services import plan_import

HEADER = "序号,创新试点,三个服务,相关行动,改革事项,具体举措,责任单位,时间节点\n"


def jinshan_2022_csv() -> bytes:
    return resources.files("jinqi.plans").joinpath("data/jinshan-2022.csv").read_bytes()


def import_plan(content: bytes, *, code: str = "test-2022", year: int = 2022) -> Plan:
    return plan_import(
        code=code,
        title="测试方案",
        year=year,
        content=content,
        file_name="measures.csv",
        acting_user=system_user(),
    ).plan


def small_plan_csv(*rows: str) -> bytes:
    """A measure table with the header and the given rows (CSV lines)."""
    default = (
        "1,是,一、基本服务,（一）行动一,事项一,举措一,区市场监管局,6月",
        "2,否,一、基本服务,（一）行动一,事项二,举措二,区财政局、区建管委,持续推进",
        "3,否,一、基本服务,（二）行动二,事项三,举措三,各镇、园区,12月",
    )
    return (HEADER + "\n".join(rows or default) + "\n").encode()
