"""The visit and the rectification workflows, declared once (docs/adr/0012-workflow-mechanism.md).

Visit:          (build) ──► planned ──begin──► under way ──close──► done
                               └──cancel──► cancelled (its inspection code is revoked)

Rectification:  (non-compliant finding) ──► open ──report──► reported ──pass──► passed
                                             ▲  │              │
                                             │  └────pass──────┤ (re-checked on site)
                                             └──report── failed ◄──fail──┘

The lead office builds visits; any department of a visit begins it (its first finding) and the
lead department closes it once every item has a result, or cancels it before it starts. The
enterprise reports a rectification done; the department whose item it is re-checks it: a pass
closes it, a failure sets a new working-day deadline and the enterprise reports again.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jinqi.audit.enums import AuditAction
from jinqi.audit.services import audit_record
from jinqi.core.errors import PermissionDenied
from jinqi.core.permissions import has_capability
from jinqi.core.workflow import Step, Transition, Workflow
from jinqi.inspections.enums import RectificationState as R
from jinqi.inspections.enums import VisitState as V
from jinqi.inspections.models import InspectionItem, Rectification, Visit
from jinqi.inspections.visit_permissions import (
    BUILD_VISITS,
    is_own_enterprise,
    works_for,
)

LEAD_OFFICE = "lead_office"
DEPARTMENT = "department"  # staff of a department with a task in the visit
LEAD_DEPARTMENT = "lead_department"  # staff of the visit's lead department
ITEM_DEPARTMENT = "item_department"  # staff of the department whose item the finding is on
ENTERPRISE = "enterprise"  # a user of the inspected enterprise


def visit_department_ids(visit: Visit) -> set[int]:
    return set(visit.tasks.values_list("department_id", flat=True))


def _authorize_visit(visit: Visit, actor: str, user: Any) -> None:
    if actor == LEAD_OFFICE:
        if not has_capability(user, BUILD_VISITS):
            raise PermissionDenied(_("Only the lead office can do this."))
    elif actor == LEAD_DEPARTMENT:
        if not works_for(user, visit.lead_department_id):
            raise PermissionDenied(_("Only the lead department of the visit can do this."))
    elif not any(works_for(user, pk) for pk in visit_department_ids(visit)):
        raise PermissionDenied(_("Only a department of the visit can do this."))


def visit_items(visit: Visit) -> list[InspectionItem]:
    """The visit's items, each once (综合查一次: items de-duplicated)."""
    return items_of_tasks(list(visit.tasks.values_list("pk", flat=True)))


def items_of_tasks(task_ids: list[int]) -> list[InspectionItem]:
    """The tasks' items, each once, in department and code order: a task's own items, or its
    plan's when the task names none; published ones only (国办发〔2024〕54号)."""
    items = InspectionItem.objects.published().filter(
        Q(tasks__in=task_ids) | Q(plans__tasks__in=task_ids, plans__tasks__items__isnull=True)
    )
    return list(items.distinct().select_related("department").order_by("department", "code"))


def _all_items_found(visit: Visit) -> str | None:
    missing = {item.pk for item in visit_items(visit)} - set(
        visit.findings.values_list("item_id", flat=True)
    )
    if missing:
        return _("%(count)s items have no result yet.") % {"count": len(missing)}
    return None


def _audit(step: Step[Any]) -> None:
    changes = {
        key: value.isoformat() if hasattr(value, "isoformat") else value
        for key, value in step.changes.items()
    }
    audit_record(
        actor=step.actor,
        action=AuditAction.CREATE if not step.source else AuditAction.TRANSITION,
        target=step.record,
        before={"state": step.source},
        after={"state": step.transition.target, **changes},
        note=step.text[:300],
    )


VISIT_WORKFLOW: Workflow[Visit] = Workflow(
    model=Visit,
    transitions=[
        Transition("build", frozenset({""}), V.PLANNED, LEAD_OFFICE, gettext_lazy("Build")),
        Transition("begin", frozenset({V.PLANNED}), V.UNDER_WAY, DEPARTMENT, gettext_lazy("Begin")),
        Transition(
            "close",
            frozenset({V.UNDER_WAY}),
            V.DONE,
            LEAD_DEPARTMENT,
            gettext_lazy("Close the visit"),
            guard=_all_items_found,
        ),
        Transition(
            "cancel",
            frozenset({V.PLANNED}),
            V.CANCELLED,
            LEAD_DEPARTMENT,
            gettext_lazy("Cancel the visit"),
            needs_text=True,
        ),
    ],
    authorize=_authorize_visit,
    state_labels=dict(V.choices),
    conflict=gettext_lazy("Someone else changed this visit first; reload and try again."),
    final=frozenset({V.DONE, V.CANCELLED}),
    effects=(_audit,),
)


def _authorize_rectification(rectification: Rectification, actor: str, user: Any) -> None:
    finding = rectification.finding
    if actor == ENTERPRISE:
        if not is_own_enterprise(user, finding.visit.enterprise.uscc):
            raise PermissionDenied(_("Only the enterprise itself can do this."))
    elif not works_for(user, finding.item.department_id):
        raise PermissionDenied(_("Only the department whose item this is can re-check it."))


RECTIFICATION_WORKFLOW: Workflow[Rectification] = Workflow(
    model=Rectification,
    transitions=[
        Transition("order", frozenset({""}), R.OPEN, ITEM_DEPARTMENT, gettext_lazy("Order")),
        Transition(
            "report",
            frozenset({R.OPEN, R.FAILED}),
            R.REPORTED,
            ENTERPRISE,
            gettext_lazy("Report the rectification done"),
            needs_text=True,
        ),
        Transition(
            "pass",
            frozenset({R.OPEN, R.REPORTED}),
            R.PASSED,
            ITEM_DEPARTMENT,
            gettext_lazy("Re-check passed"),
        ),
        Transition(
            "fail",
            frozenset({R.REPORTED}),
            R.FAILED,
            ITEM_DEPARTMENT,
            gettext_lazy("Re-check failed"),
            needs_text=True,
        ),
    ],
    authorize=_authorize_rectification,
    state_labels=dict(R.choices),
    conflict=gettext_lazy("Someone else changed this rectification first; reload and try again."),
    final=frozenset({R.PASSED}),
    effects=(_audit,),
)
