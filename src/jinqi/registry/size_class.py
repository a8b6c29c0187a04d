"""Size class (大型/中型/小型/微型) per 统计上大中小微型企业划分办法（2017）(国统字〔2017〕213号).

The 办法's 附表 is kept below as data (`SIZE_TABLE`): one row per industry category, the
GB/T 4754-2017 codes it covers, and the lower bound of each class for each indicator it uses.
Units: 从业人员 in persons, 营业收入 and 资产总额 in 万元 (10,000 CNY).

附注 1 of the 办法: large, medium and small enterprises must meet the lower bounds of all the
indicators listed for their industry at the same time, otherwise they drop a class; a micro
enterprise needs only one of its indicators below the small-class lower bound. So the class is
the highest one whose every lower bound is met, and micro when even small is not met.

Where the rows come from, and what could and could not be checked, is in data/README.md.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from django.utils.translation import gettext as _

SizeClassKey = Literal["large", "medium", "small", "micro"]
Indicator = Literal["employees", "revenue", "assets"]

INDUSTRY_TABLE = Path(__file__).resolve().parent / "data" / "gbt4754-2017.csv"


class SizeClassError(ValueError):
    """The size class cannot be determined; the message says why."""


class UnknownIndustryError(SizeClassError):
    """The code is not a GB/T 4754-2017 code."""


class IndustryNotCoveredError(SizeClassError):
    """The industry is outside the 办法 (e.g. 金融业, 教育, 铁路运输业)."""


class AmbiguousIndustryError(SizeClassError):
    """The code is too broad: its sub-industries fall in different rows of the table."""


class MissingFigureError(SizeClassError):
    """A figure the industry's row needs was not given."""


class InvalidFigureError(SizeClassError):
    """A figure is negative."""


@dataclass(frozen=True)
class Thresholds:
    """Lower bounds of the large, medium and small classes for one indicator."""

    indicator: Indicator
    large: float
    medium: float
    small: float

    def lower_bound(self, size: SizeClassKey) -> float:
        """The lower bound of `size` (not defined for micro, which has none)."""
        return {"large": self.large, "medium": self.medium, "small": self.small}[size]


@dataclass(frozen=True)
class SizeRow:
    """One row of the 办法's 附表."""

    name: str
    # GB/T 4754-2017 codes (section letter included) whose sub-industries the row covers.
    codes: tuple[str, ...]
    thresholds: tuple[Thresholds, ...]

    @property
    def indicators(self) -> tuple[Indicator, ...]:
        """The indicators the row uses, in the 办法's order."""
        return tuple(t.indicator for t in self.thresholds)


def _t(indicator: Indicator, large: float, medium: float, small: float) -> Thresholds:
    return Thresholds(indicator, large, medium, small)


# 国统字〔2017〕213号, 附表 and 附注 2 (the composition of the rows marked * in the 附表).
SIZE_TABLE: tuple[SizeRow, ...] = (
    SizeRow("农、林、牧、渔业", ("A",), (_t("revenue", 20000, 500, 50),)),
    SizeRow(
        "工业",  # 采矿业, 制造业, 电力、热力、燃气及水生产和供应业
        ("B", "C", "D"),
        (_t("employees", 1000, 300, 20), _t("revenue", 40000, 2000, 300)),
    ),
    SizeRow("建筑业", ("E",), (_t("revenue", 80000, 6000, 300), _t("assets", 80000, 5000, 300))),
    SizeRow("批发业", ("F51",), (_t("employees", 200, 20, 5), _t("revenue", 40000, 5000, 1000))),
    SizeRow("零售业", ("F52",), (_t("employees", 300, 50, 10), _t("revenue", 20000, 500, 100))),
    SizeRow(
        "交通运输业",  # 道路, 水上, 航空, 管道运输业, 多式联运和运输代理业, 装卸搬运; not 铁路
        ("G54", "G55", "G56", "G57", "G58", "G5910"),
        (_t("employees", 1000, 300, 20), _t("revenue", 30000, 3000, 200)),
    ),
    SizeRow(
        "仓储业",  # 通用, 低温, 危险品, 谷物、棉花等农产品, 中药材仓储和其他仓储业
        ("G5920", "G5930", "G594", "G595", "G5960", "G5990"),
        (_t("employees", 200, 100, 20), _t("revenue", 30000, 1000, 100)),
    ),
    SizeRow("邮政业", ("G60",), (_t("employees", 1000, 300, 20), _t("revenue", 30000, 2000, 100))),
    SizeRow("住宿业", ("H61",), (_t("employees", 300, 100, 10), _t("revenue", 10000, 2000, 100))),
    SizeRow("餐饮业", ("H62",), (_t("employees", 300, 100, 10), _t("revenue", 10000, 2000, 100))),
    SizeRow(
        "信息传输业",  # 电信、广播电视和卫星传输服务; 互联网和相关服务
        ("I63", "I64"),
        (_t("employees", 2000, 100, 10), _t("revenue", 100000, 1000, 100)),
    ),
    SizeRow(
        "软件和信息技术服务业",
        ("I65",),
        (_t("employees", 300, 100, 10), _t("revenue", 10000, 1000, 50)),
    ),
    SizeRow(
        "房地产开发经营",
        ("K7010",),
        (_t("revenue", 200000, 1000, 100), _t("assets", 10000, 5000, 2000)),
    ),
    SizeRow(
        "物业管理", ("K7020",), (_t("employees", 1000, 300, 100), _t("revenue", 5000, 1000, 500))
    ),
    SizeRow(
        "租赁和商务服务业",
        ("L",),
        (_t("employees", 300, 100, 10), _t("assets", 120000, 8000, 100)),
    ),
    SizeRow(
        "其他未列明行业",
        # 科学研究和技术服务业, 水利、环境和公共设施管理业, 居民服务、修理和其他服务业, 社会工作,
        # 文化、体育和娱乐业, 房地产中介服务, 其他房地产业; not 自有房地产经营活动 (K7040).
        ("M", "N", "O", "Q85", "R", "K7030", "K7090"),
        (_t("employees", 300, 100, 10),),
    ),
)

SIZE_ORDER: tuple[SizeClassKey, ...] = ("large", "medium", "small")


IndustryLevel = Literal["section", "division", "group", "class"]
# "C", "C35", "C351", "C3511": the level follows from the length of the code.
LEVEL_BY_LENGTH: dict[int, IndustryLevel] = {1: "section", 3: "division", 4: "group", 5: "class"}


@dataclass(frozen=True)
class Industry:
    """One row of GB/T 4754-2017 (data/gbt4754-2017.csv)."""

    code: str
    name: str
    level: IndustryLevel


@cache
def industries() -> Mapping[str, Industry]:
    """All GB/T 4754-2017 codes, section letter included ("C", "C35", "C351", "C3511")."""
    with INDUSTRY_TABLE.open(encoding="utf-8", newline="") as f:
        return {
            row["code"]: Industry(row["code"], row["name"], LEVEL_BY_LENGTH[len(row["code"])])
            for row in csv.DictReader(f)
        }


@cache
def _numeric_codes() -> Mapping[str, str]:
    return {code[1:]: code for code in industries() if len(code) > 1}


def normalise_industry_code(code: str) -> str:
    """The table's form of a code: "c3511", " C3511 " and "3511" all give "C3511".

    Raises UnknownIndustryError when the code is not in GB/T 4754-2017.
    """
    cleaned = code.strip().upper()
    if cleaned in industries():
        return cleaned
    if cleaned in _numeric_codes():
        return _numeric_codes()[cleaned]
    raise UnknownIndustryError(
        _("unknown industry code “%(code)s”: not a GB/T 4754-2017 code") % {"code": code}
    )


@cache
def _row_by_code() -> Mapping[str, SizeRow]:
    return {code: row for row in SIZE_TABLE for code in row.codes}


def _covering_row(code: str) -> SizeRow | None:
    """The row of the nearest ancestor of `code` (itself included) that the table names."""
    by_code = _row_by_code()
    for length in range(len(code), 0, -1):
        if code[:length] in by_code:
            return by_code[code[:length]]
    return None


def size_row(industry_code: str) -> SizeRow:
    """The 附表 row an industry falls in.

    A code is placed by its nearest ancestor the table names (itself included); a code broader
    than the table's rows (e.g. "G", "K70") is placed only if all its classes fall in one row.
    """
    code = normalise_industry_code(industry_code)
    row = _covering_row(code)
    if row is not None:
        return row
    classes = [c for c, i in industries().items() if i.level == "class" and c.startswith(code)]
    rows = {_covering_row(c) for c in classes}
    if len(rows - {None}) > 1:
        raise AmbiguousIndustryError(
            _(
                "industry %(code)s (%(name)s) is too broad for the size table: its "
                "sub-industries fall in different rows; give a more detailed code"
            )
            % {"code": code, "name": industries()[code].name}
        )
    if None in rows:
        raise IndustryNotCoveredError(
            _(
                "industry %(code)s (%(name)s) is not covered, in whole or in part, by the "
                "统计上大中小微型企业划分办法（2017）"
            )
            % {"code": code, "name": industries()[code].name}
        )
    return next(r for r in rows if r is not None)


def size_class(
    industry_code: str,
    *,
    employees: int | None,
    revenue: float | None,
    assets: float | None,
) -> SizeClassKey:
    """'large', 'medium', 'small' or 'micro' for an enterprise of `industry_code`.

    `employees` in persons; `revenue` (营业收入) and `assets` (资产总额) in 万元. Figures the
    industry's row does not use may be None. Raises a SizeClassError (a ValueError) when the
    industry is unknown, outside the 办法 or too broad, or a needed figure is missing or negative.
    """
    row = size_row(industry_code)
    given: dict[Indicator, float | None] = {
        "employees": employees,
        "revenue": revenue,
        "assets": assets,
    }
    labels: dict[Indicator, str] = {
        "employees": _("employees"),
        "revenue": _("revenue"),
        "assets": _("total assets"),
    }
    figures: dict[Indicator, float] = {}
    for indicator in row.indicators:
        value = given[indicator]
        if value is None:
            raise MissingFigureError(
                _("%(figure)s is needed to classify an enterprise in %(row)s")
                % {"figure": labels[indicator], "row": row.name}
            )
        if value < 0:
            raise InvalidFigureError(
                _("%(figure)s must not be negative, got %(value)s")
                % {"figure": labels[indicator], "value": value}
            )
        figures[indicator] = value
    for size in SIZE_ORDER:
        if all(figures[t.indicator] >= t.lower_bound(size) for t in row.thresholds):
            return size
    return "micro"
