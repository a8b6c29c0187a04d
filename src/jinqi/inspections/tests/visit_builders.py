"""Builders for the visit half: items, filed plans, certified inspectors and open tasks of two
departments on one enterprise, written straight to the models (the services that publish items
and file plans are the other half's and have their own tests)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from jinqi.accounts.enums import DepartmentKind
from jinqi.accounts.models import Department
from jinqi.core import clock
from jinqi.inspections.enums import PlanKind, PlanState
from jinqi.inspections.models import InspectionItem, Inspector, Plan, SectorRule, Task
from jinqi.registry.models import Enterprise

SAFETY = "emergency-management"
ECOLOGY = "ecology-environment"


def department(code: str = SAFETY) -> Department:
    names = {SAFETY: "区应急管理局", ECOLOGY: "区生态环境局"}
    found, _created = Department.objects.get_or_create(
        code=code,
        defaults={"name": names.get(code, code), "kind": DepartmentKind.BUREAU},
    )
    return found


def item(owner: Department, code: str, name: str = "", **extra: Any) -> InspectionItem:
    now = clock.now()
    found, _created = InspectionItem.objects.get_or_create(
        department=owner,
        code=code,
        defaults={
            "name": name or f"检查事项{code}",
            "legal_basis": "《中华人民共和国安全生产法》第二十一条",
            "content": "安全生产责任制落实情况",
            "standard": "建立并落实全员安全生产责任制",
            "is_published": True,
            "published_at": now,
            "created_at": now,
            "updated_at": now,
            **extra,
        },
    )
    return found


def plan(owner: Department, items: list[InspectionItem], year: int = 2026) -> Plan:
    made = Plan.objects.create(
        department=owner,
        year=year,
        kind=PlanKind.PLANNED,
        title=f"{owner.name}{year}年度检查计划",
        state=PlanState.FILED,
        filed_on=dt.date(year, 1, 5),
        created_at=clock.now(),
    )
    made.items.set(items)
    return made


def inspector(owner: Department, number: str, name: str = "", **extra: Any) -> Inspector:
    values = {
        "name": name or f"执法员{number[-3:]}",
        "valid_from": dt.date(2024, 1, 1),
        "valid_to": dt.date(2028, 12, 31),
        **extra,
    }
    return Inspector.objects.create(department=owner, certificate_number=number, **values)


def task(
    owner: Department,
    firm: Enterprise,
    start: dt.date,
    end: dt.date,
    *,
    of_plan: Plan | None = None,
    inspectors: list[Inspector] | None = None,
    unannounced: bool = False,
) -> Task:
    made = Task.objects.create(
        department=owner,
        enterprise=firm,
        plan=of_plan or Plan.objects.filter(department=owner).first() or plan(owner, []),
        window_start=start,
        window_end=end,
        unannounced=unannounced,
        created_at=clock.now(),
    )
    made.inspectors.set(inspectors or [])
    return made


def safety_and_ecology(firm: Enterprise) -> dict[str, Any]:
    """Two departments, each with two published items (one shared by code with nothing), a
    filed plan and two certified inspectors; 应急管理 leads chemicals (C26) with a cap of 2."""
    safety, ecology = department(SAFETY), department(ECOLOGY)
    safety_items = [item(safety, "YJ-001", "安全生产责任制"), item(safety, "YJ-002", "危化品储存")]
    ecology_items = [
        item(ecology, "HB-001", "排污许可执行", legal_basis="《排污许可管理条例》第十七条"),
        item(ecology, "HB-002", "危险废物贮存", legal_basis="《固体废物污染环境防治法》第七十七条"),
    ]
    SectorRule.objects.update_or_create(
        industry_prefix="C26", defaults={"lead_department": safety, "yearly_cap": 2}
    )
    return {
        "safety": safety,
        "ecology": ecology,
        "safety_plan": plan(safety, safety_items),
        "ecology_plan": plan(ecology, ecology_items),
        "safety_inspectors": [
            inspector(safety, "31000000001", "王安全"),
            inspector(safety, "31000000002", "赵应急"),
        ],
        "ecology_inspectors": [inspector(ecology, "31000000101", "钱环保")],
        "firm": firm,
    }


def visit_with_rectification(
    firm: Enterprise, owner: Department, lead_office_user: Any
) -> tuple[Any, Any]:
    """A visit built today from one open task of `owner` on `firm` (window: the next two
    weeks), with a non-compliant finding and its open rectification written straight to the
    models (a result waits for the visit's day): (visit, rectification)."""
    from jinqi.inspections.enums import FindingResult
    from jinqi.inspections.models import Finding, Rectification
    from jinqi.inspections.visits import visits_build

    checked = item(owner, "SURF-001", "表面检查事项")
    filed = plan(owner, [checked])
    inspector(owner, f"9{owner.pk:05d}0001", "表面执法员")
    today = clock.today()
    made = task(owner, firm, today, today + dt.timedelta(days=14), of_plan=filed)
    [visit] = visits_build(
        acting_user=lead_office_user, tasks=Task.objects.filter(pk=made.pk)
    ).visits
    finding = Finding.objects.create(
        visit=visit,
        item=checked,
        result=FindingResult.NON_COMPLIANT,
        note="消防通道堵塞",
        recorded_at=clock.now(),
    )
    rectification = Rectification.objects.create(
        finding=finding, deadline=today + dt.timedelta(days=14)
    )
    return visit, rectification
