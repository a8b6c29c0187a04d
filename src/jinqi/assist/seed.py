"""The starting reference data of accompanied procedures: the service windows of Jinshan (the
district administrative service centre and the towns' community service centres, plan measures
31 and 66) and the high-frequency matters enterprises ask to be accompanied through, each with the
department responsible for it. Chinese names are the centres' and matters' own; the service
centre edits both afterwards (Django admin)."""

from __future__ import annotations

from typing import Any

# (name, address, department code running it)
WINDOWS = (
    ("区行政服务中心", "金山区金山大道2000号", "admin-service-center"),
    ("朱泾镇社区事务受理服务中心", "朱泾镇", "town-zhujing"),
    ("枫泾镇社区事务受理服务中心", "枫泾镇", "town-fengjing"),
    ("亭林镇社区事务受理服务中心", "亭林镇", "town-tinglin"),
    ("金山卫镇社区事务受理服务中心", "金山卫镇", "town-jinshanwei"),
    ("山阳镇社区事务受理服务中心", "山阳镇", "town-shanyang"),
)

# (matter, department code responsible)
MATTERS = (
    ("企业设立登记", "market-regulation"),
    ("企业变更登记", "market-regulation"),
    ("企业注销登记", "market-regulation"),
    ("食品经营许可", "market-regulation"),
    ("建设工程施工许可", "construction"),
    ("建设工程规划许可", "planning-resources"),
    ("税务登记与发票领用", "tax-jinshan"),
    ("社会保险登记", "human-resources"),
    ("排水许可", "water"),
    ("道路运输经营许可", "transport"),
)


def apply_seed(window_model: Any, matter_model: Any, department_model: Any) -> None:
    """Create the seeded windows and matters that are missing; takes the models so a migration
    can call it. What the centre changed afterwards is kept."""
    departments = {d.code: d for d in department_model.objects.all()}
    for order, (name, address, code) in enumerate(WINDOWS):
        if code in departments:
            window_model.objects.get_or_create(
                name=name,
                defaults={"address": address, "department": departments[code], "sort_order": order},
            )
    for name, code in MATTERS:
        if code in departments:
            matter_model.objects.get_or_create(
                name=name, defaults={"department": departments[code]}
            )
