"""The routing table and deadline regimes a fresh install starts with; the lead office edits
them afterwards. Chinese names live here because they are what enterprises choose from.
Sources and the assumptions in these figures: docs/appeals.md."""

from __future__ import annotations

from typing import NamedTuple


class RegimeSeed(NamedTuple):
    code: str
    name: str
    response_days: int
    resolution_days: int
    complex_days: int | None
    source: str
    is_assumption: bool


REGIMES = (
    RegimeSeed(
        "hotline-12345",
        "12345热线 一般诉求（1/5/15个工作日）",
        1,
        5,
        15,
        "政务服务便民热线工单办理惯例（国办发〔2020〕53号要求限时办理，具体时限由各地12345"
        "管理办法规定）：1个工作日内签收并联系，求助类5个工作日内办结，复杂事项15个工作日。",
        True,
    ),
    RegimeSeed(
        "hotline-12345-consultation",
        "12345热线 咨询类（1/2个工作日）",
        1,
        2,
        None,
        "政务服务便民热线工单办理惯例：1个工作日内签收并联系，咨询类2个工作日内答复"
        "（具体时限以本市12345管理办法为准）。",
        True,
    ),
    RegimeSeed(
        "good-bad-review",
        "好差评 差评整改（1/5/15个工作日）",
        1,
        5,
        15,
        "《国务院办公厅关于建立政务服务“好差评”制度提高政务服务水平的意见》"
        "（国办发〔2019〕51号）建立差评核实整改反馈机制；1个工作日内联系评价人、"
        "5个工作日内整改、情况复杂的15个工作日，为各地实施方案的常见时限。",
        True,
    ),
)


class CategorySeed(NamedTuple):
    code: str
    name: str
    department: str  # accounts.departments_seed code
    regime: str


CATEGORIES = (
    CategorySeed("policy", "政策咨询", "gov-services", "hotline-12345-consultation"),
    CategorySeed("business-lifecycle", "企业开办与注销", "market-regulation", "hotline-12345"),
    CategorySeed("construction-approval", "工程建设审批", "construction", "hotline-12345"),
    CategorySeed("tax", "税费", "tax-jinshan", "hotline-12345"),
    CategorySeed("social-insurance", "社保与用工", "human-resources", "hotline-12345"),
    CategorySeed("financing", "融资", "finance", "hotline-12345"),
    CategorySeed("land-premises", "用地用房", "planning-resources", "hotline-12345"),
    CategorySeed("utilities", "水电气网", "economy", "hotline-12345"),
    CategorySeed("market-enforcement", "市场监管与执法", "market-regulation", "hotline-12345"),
    CategorySeed("intellectual-property", "知识产权", "market-regulation", "hotline-12345"),
    CategorySeed("service-review", "政务服务差评整改", "gov-services", "good-bad-review"),
    CategorySeed("other", "其他", "gov-services", "hotline-12345"),
)
