"""Reads of visits scoped by the user: the lead office sees every visit; a department the visits
it has a task in, with every result of them (结果互认); an enterprise its own. Anything else is
a 404, not a 403."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from jinqi.core.permissions import has_capability
from jinqi.inspections.enums import VisitState
from jinqi.inspections.models import Finding, Rectification, Visit, VisitInspector
from jinqi.inspections.results import rectification_on_time
from jinqi.inspections.visit_permissions import OVERSEE_VISITS, OWN_INSPECTIONS, WORK_VISITS
from jinqi.inspections.visit_workflow import visit_items
from jinqi.registry.selectors import enterprise_of


def visits_visible_to(user: Any) -> QuerySet[Visit]:
    visits = Visit.objects.select_related("enterprise", "lead_department")
    if has_capability(user, OVERSEE_VISITS):
        return visits
    if has_capability(user, WORK_VISITS):
        return visits.filter(
            pk__in=Visit.objects.filter(tasks__department_id=user.department_id).values("pk")
        )
    if has_capability(user, OWN_INSPECTIONS):
        enterprise = enterprise_of(user)
        if enterprise is not None:
            return visits.filter(enterprise=enterprise)
    return visits.none()


def visit_for(user: Any, pk: int) -> Visit:
    visit = visits_visible_to(user).filter(pk=pk).first()
    if visit is None:
        raise Http404
    return visit


def visit_by_code(user: Any, code: str) -> Visit:
    visit = visits_visible_to(user).filter(short_code=code.strip().upper()).first()
    if visit is None:
        raise Http404
    return visit


def rectification_for(user: Any, pk: int) -> Rectification:
    rectification = (
        Rectification.objects.select_related("finding__visit__enterprise", "finding__item")
        .filter(pk=pk, finding__visit__in=visits_visible_to(user))
        .first()
    )
    if rectification is None:
        raise Http404
    return rectification


@dataclass(frozen=True)
class FindingRow:
    finding: Finding
    rectification: Rectification | None
    on_time: bool | None


@dataclass(frozen=True)
class VisitSheet:
    """Everything a visit's page shows: why (the plans), who (departments and inspectors with
    their certificates), what (the items, each once) and the results."""

    visit: Visit
    tasks: list[Any]
    departments: list[str]
    inspectors: list[VisitInspector]
    items: list[Any]
    findings: list[FindingRow]

    @property
    def is_joint(self) -> bool:
        return len(self.departments) > 1

    @property
    def unrecorded(self) -> list[Any]:
        found = {row.finding.item_id for row in self.findings}
        return [item for item in self.items if item.pk not in found]


def visit_sheet(visit: Visit) -> VisitSheet:
    tasks = list(visit.tasks.select_related("department", "plan").order_by("pk"))
    findings = visit.findings.select_related("item__department", "rectification").order_by(
        "item__department", "item__code"
    )
    rows = []
    for finding in findings:
        rectification = getattr(finding, "rectification", None)
        rows.append(
            FindingRow(
                finding,
                rectification,
                rectification_on_time(rectification) if rectification else None,
            )
        )
    return VisitSheet(
        visit=visit,
        tasks=tasks,
        departments=list(dict.fromkeys(t.department.name for t in tasks)),
        inspectors=list(
            visit.inspector_links.select_related("inspector", "department").order_by(
                "department", "inspector__certificate_number"
            )
        ),
        items=visit_items(visit),
        findings=rows,
    )


def ledger_of(user: Any) -> list[VisitSheet]:
    """The enterprise's own ledger: every visit to it, newest first, cancelled ones left out."""
    if not has_capability(user, OWN_INSPECTIONS):
        return []
    return [
        visit_sheet(v)
        for v in visits_visible_to(user)
        .exclude(state=VisitState.CANCELLED)
        .select_related("rating")
    ]
