"""The departments of Jinshan District named by the 2022 plan, with the project's stable codes.

Chinese names live here because they are read from the plan's 责任单位 column; docs/departments.md
lists the same table. Group membership is reference data the lead office edits afterwards; this
is only the starting point.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from jinqi.accounts.enums import DepartmentKind as K


class DepartmentSeed(NamedTuple):
    code: str
    name: str
    kind: str
    aliases: tuple[str, ...] = ()


TOWNS = (
    DepartmentSeed("town-zhujing", "朱泾镇", K.TOWN),
    DepartmentSeed("town-fengjing", "枫泾镇", K.TOWN),
    DepartmentSeed("town-zhangyan", "张堰镇", K.TOWN),
    DepartmentSeed("town-tinglin", "亭林镇", K.TOWN),
    DepartmentSeed("town-lvxiang", "吕巷镇", K.TOWN),
    DepartmentSeed("town-langxia", "廊下镇", K.TOWN),
    DepartmentSeed("town-jinshanwei", "金山卫镇", K.TOWN),
    DepartmentSeed("town-caojing", "漕泾镇", K.TOWN),
    DepartmentSeed("town-shanyang", "山阳镇", K.TOWN),
    DepartmentSeed("street-shihua", "石化街道", K.STREET),
)

PARKS = (
    DepartmentSeed("park-jinshan-industrial", "金山工业区", K.PARK),
    DepartmentSeed("park-bay-hitech", "上海湾区高新技术产业开发区", K.PARK, ("湾区高新区",)),
    DepartmentSeed("park-carbon-valley", "碳谷绿湾产业园", K.PARK),
)

BUREAUS = (
    DepartmentSeed("development-reform", "区发改委", K.BUREAU, ("金山区发展和改革委员会",)),
    DepartmentSeed("market-regulation", "区市场监管局", K.BUREAU),
    DepartmentSeed("construction", "区建管委", K.BUREAU),
    DepartmentSeed("finance", "区财政局", K.BUREAU, ("区财政局（金融办）", "区金融办")),
    DepartmentSeed("gov-services", "区政务服务办", K.BUREAU),
    DepartmentSeed("admin-service-center", "区行政服务中心", K.BUREAU),
    DepartmentSeed("police-jinshan", "公安金山分局", K.BUREAU),
    DepartmentSeed("civil-affairs", "区民政局", K.BUREAU),
    DepartmentSeed("investment-promotion", "区投资促进办", K.BUREAU),
    DepartmentSeed("planning-resources", "区规划资源局", K.BUREAU),
    DepartmentSeed("tax-jinshan", "金山税务局", K.BUREAU, ("国家税务总局上海市金山区税务局",)),
    DepartmentSeed("procuratorate", "区检察院", K.BUREAU),
    DepartmentSeed("justice", "区司法局", K.BUREAU),
    DepartmentSeed("economy", "区经委", K.BUREAU),
    DepartmentSeed("human-resources", "区人社局", K.BUREAU),
    DepartmentSeed("education", "区教育局", K.BUREAU),
    DepartmentSeed("health", "区卫健委", K.BUREAU),
    DepartmentSeed("science", "区科委", K.BUREAU),
    DepartmentSeed("agriculture", "区农业农村委", K.BUREAU),
    DepartmentSeed("transport", "区交通委", K.BUREAU),
    DepartmentSeed("culture-tourism", "区文化旅游局", K.BUREAU),
    DepartmentSeed("water", "区水务局", K.BUREAU),
    DepartmentSeed("commerce", "区商务委", K.BUREAU),
    # Not named by the plan's attachment; they inspect (安全+环保 joint inspection, measure 48).
    DepartmentSeed("emergency-management", "区应急管理局", K.BUREAU),
    DepartmentSeed("ecology-environment", "区生态环境局", K.BUREAU),
    DepartmentSeed("fire-rescue", "区消防救援支队", K.BUREAU),
    DepartmentSeed("trade-union", "区总工会", K.ORGANISATION),
    DepartmentSeed("womens-federation", "区妇联", K.ORGANISATION),
    DepartmentSeed("commerce-federation", "区工商联", K.ORGANISATION),
)

_TOWNS_AND_PARKS = tuple(d.code for d in TOWNS + PARKS)

GROUPS: tuple[tuple[DepartmentSeed, tuple[str, ...]], ...] = (
    (DepartmentSeed("group-towns-parks", "各镇、园区", K.GROUP), _TOWNS_AND_PARKS),
    # "相关" (relevant) ones: all of them until the lead office narrows the list per plan.
    (DepartmentSeed("group-related-towns-parks", "相关街镇、园区", K.GROUP), _TOWNS_AND_PARKS),
    (
        # Measure 19 names the fields whose approval powers move down from the city.
        DepartmentSeed("group-approval-departments", "各相关行政审批部门", K.GROUP),
        (
            "development-reform",
            "construction",
            "planning-resources",
            "transport",
            "culture-tourism",
            "water",
        ),
    ),
    (
        DepartmentSeed("group-policy-departments", "各惠企政策制定部门", K.GROUP),
        ("economy", "science", "human-resources", "commerce", "agriculture", "finance"),
    ),
    (
        DepartmentSeed("group-fund-departments", "各涉企专项资金部门", K.GROUP),
        ("economy", "science", "commerce", "agriculture"),
    ),
)

ALL_UNITS = BUREAUS + TOWNS + PARKS


def apply_seed(department_model: Any) -> None:
    """Create or update the seeded departments; takes the model so migrations can call it.

    Groups that already have members keep them (the lead office may have edited them).
    """
    for order, seed in enumerate(ALL_UNITS + tuple(g for g, _members in GROUPS)):
        department_model.objects.update_or_create(
            code=seed.code,
            defaults={
                "name": seed.name,
                "kind": seed.kind,
                "aliases": list(seed.aliases),
                "sort_order": order,
            },
        )
    for seed, member_codes in GROUPS:
        group = department_model.objects.get(code=seed.code)
        if not group.members.exists():
            group.members.set(department_model.objects.filter(code__in=member_codes))
