"""Demo visits (after the inspections step): half a year of joint 安全+环保 visits to the demo
enterprise and a few other firms — merged from the two departments' tasks, each with its
inspection code, results, rectifications passed on time, late or waiting for the re-check, and
the firms' ratings (five or more per department, so departments see their mean) — then the
visits of market regulation's open draw, planned with their codes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from jinqi.accounts.models import User
from jinqi.core import clock
from jinqi.core.errors import DomainError
from jinqi.demo.accounts import DEMO_ENTERPRISE_USCC
from jinqi.inspections import results, visits
from jinqi.inspections.enums import FindingResult, PlanKind, PlanState, VisitState
from jinqi.inspections.models import Inspector, Plan, SectorRule, Task, Visit
from jinqi.inspections.visit_workflow import visit_items
from jinqi.registry.models import Enterprise

JOINT = ("emergency-management", "ecology-environment")
# Visits of the past half year: (months back, the firm's place in the list, outcome).
PAST = ((6, 0, "late"), (5, 1, "clean"), (4, 2, "passed"), (3, 3, "clean"), (2, 4, "passed"),
        (2, 0, "reported"), (1, 5, "clean"))  # fmt: skip
NOTES = {
    "emergency-management": "危险化学品仓库未按规定设置防爆照明",
    "ecology-environment": "危险废物贮存场所标识不全",
}


def demo_inspection_visits_load(report: Callable[[str], None]) -> None:
    if Visit.objects.exists():
        report("inspection visits already loaded; kept as they are")
        return
    lead = User.objects.filter(username="lead").first()
    staff = {code: User.objects.filter(username=code).first() for code in JOINT}
    plans = {
        code: Plan.objects.filter(
            department__code=code, state=PlanState.FILED, kind=PlanKind.PLANNED
        ).first()
        for code in JOINT
    }
    if lead is None or None in staff.values() or None in plans.values():
        report("inspection visits: the inspections step's data is missing, skipped")
        return
    safety = staff["emergency-management"]
    assert safety is not None and safety.department is not None
    SectorRule.objects.get_or_create(
        industry_prefix="C26",
        defaults={
            "lead_department": safety.department,
            "yearly_cap": 4,
            "note": "演示数据：区应急管理局主管化工行业，年度入企检查不超过 4 次",
        },
    )
    firms = [
        *Enterprise.objects.filter(uscc=DEMO_ENTERPRISE_USCC),
        *Enterprise.objects.active().exclude(uscc=DEMO_ENTERPRISE_USCC).order_by("uscc")[:5],
    ]
    today = clock.today()
    made = 0
    for months, place, outcome in PAST:
        if place >= len(firms):
            continue
        start = today - dt.timedelta(days=30 * months)
        made += _past_visit(firms[place], start, outcome, lead, staff, plans)
    try:
        planned = visits.visits_build(acting_user=lead)
        report(f"inspection visits: {made} past, {len(planned.visits)} planned from the draw")
    except DomainError as refusal:
        report(f"inspection visits: {made} past; none planned ({refusal.message})")


def _past_visit(
    firm: Enterprise,
    start: dt.date,
    outcome: str,
    lead: User,
    staff: dict[str, User | None],
    plans: dict[str, Plan | None],
) -> int:
    """Two departments' tasks on the firm in a fortnight from `start`, merged into one visit,
    inspected on its day, its rectification followed, closed and rated."""
    tasks = []
    with clock.frozen_at(dt.datetime.combine(start, dt.time(9))):
        for code in JOINT:
            plan = plans[code]
            assert plan is not None
            task = Task.objects.create(
                department=plan.department,
                enterprise=firm,
                plan=plan,
                window_start=start,
                window_end=start + dt.timedelta(days=14),
                created_at=clock.now(),
            )
            task.inspectors.set(Inspector.objects.filter(department=plan.department)[:1])
            tasks.append(task.pk)
        try:
            [visit] = visits.visits_build(
                acting_user=lead, tasks=Task.objects.filter(pk__in=tasks)
            ).visits
        except DomainError:
            Task.objects.filter(pk__in=tasks).delete()
            return 0
    day = dt.datetime.combine(visit.date, dt.time(10))
    with clock.frozen_at(day):
        for code in JOINT:
            user = staff[code]
            assert user is not None
            own = [i for i in visit_items(visit) if i.department_id == user.department_id]
            entries = [
                results.FindingIn(
                    item.code,
                    FindingResult.NON_COMPLIANT
                    if n == 0 and outcome != "clean"
                    else FindingResult.COMPLIANT,
                    NOTES[code] if n == 0 and outcome != "clean" else "",
                    10 if n == 0 and outcome != "clean" else None,
                )
                for n, item in enumerate(own)
            ]
            if entries:
                visit.refresh_from_db()
                results.findings_record(visit=visit, entries=entries, acting_user=user)
    owner = User.objects.filter(enterprise_uscc=firm.uscc).first()
    for finding in visit.findings.filter(rectification__isnull=False):
        rectification = finding.rectification
        user = staff[finding.item.department.code]
        assert user is not None
        if outcome in ("passed", "reported") and owner is not None:
            with clock.frozen_at(day + dt.timedelta(days=7)):
                results.rectification_act(
                    rectification=rectification,
                    action="report",
                    lock_version=rectification.lock_version,
                    text="已完成整改并留存照片",
                    acting_user=owner,
                )
        if outcome == "passed":
            with clock.frozen_at(day + dt.timedelta(days=9)):
                results.rectification_act(
                    rectification=rectification,
                    action="pass",
                    lock_version=rectification.lock_version,
                    text="现场复查，整改到位",
                    acting_user=user,
                )
    if outcome in ("clean", "passed"):
        visit.refresh_from_db()
        with clock.frozen_at(day + dt.timedelta(days=10)):
            safety = staff["emergency-management"]
            assert safety is not None
            visits.visit_close(visit=visit, lock_version=visit.lock_version, acting_user=safety)
            if owner is not None and visit.state == VisitState.DONE:
                results.visit_rate(
                    visit=visit,
                    score=5 if outcome == "clean" else 4,
                    comment="检查人员出示执法证，一次检查完成安全和环保两项。",
                    acting_user=owner,
                )
    return 1
