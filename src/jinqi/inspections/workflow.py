"""The plan's workflow, declared once (docs/adr/0012, docs/inspections.md).

A planned or triggered plan is filed by its department and may then be used. A special plan is
submitted to the lead office, which approves or refuses it; approved, it must be published
within a month (credit.periods' month count: approved 01-31 → by 02-28), and is filed when
published. Any plan not yet filed may be withdrawn."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jinqi.audit.enums import AuditAction
from jinqi.audit.services import audit_record
from jinqi.core import clock
from jinqi.core.errors import PermissionDenied
from jinqi.core.permissions import has_capability
from jinqi.core.workflow import Step, Transition, Workflow
from jinqi.inspections import permissions
from jinqi.inspections.enums import PlanKind, PlanState
from jinqi.inspections.models import Plan

DEPARTMENT = "department"
LEAD_OFFICE = "lead_office"


def _authorize(plan: Plan, actor: str, user: Any) -> None:
    if actor == DEPARTMENT:
        if has_capability(user, permissions.MANAGE) and user.department_id == plan.department_id:
            return
        raise PermissionDenied(_("Only the plan's own department does this."))
    if actor == LEAD_OFFICE and has_capability(user, permissions.APPROVE_PLANS):
        return
    raise PermissionDenied(_("Only the lead office approves a special plan."))


def _not_special(plan: Plan) -> str | None:
    if plan.kind == PlanKind.SPECIAL:
        return _("A special plan is submitted to the lead office, not filed directly.")
    return None


def _special(plan: Plan) -> str | None:
    if plan.kind != PlanKind.SPECIAL:
        return _("Only a special plan needs the lead office's approval.")
    return None


def _in_time(plan: Plan) -> str | None:
    if plan.publish_due is not None and clock.today() > plan.publish_due:
        return _(
            "The plan had to be published by %(due)s, within a month of its approval; "
            "withdraw it and submit it again."
        ) % {"due": plan.publish_due.isoformat()}
    return None


def _audit(step: Step[Any]) -> None:
    audit_record(
        actor=step.actor,
        action=AuditAction.TRANSITION,
        target=step.record,
        before={"state": step.source},
        after={"state": step.transition.target},
        note=step.text,
    )


S = PlanState
PLAN_WORKFLOW: Workflow[Plan] = Workflow(
    model=Plan,
    transitions=[
        Transition("draft", frozenset({""}), S.DRAFT, DEPARTMENT, gettext_lazy("Draft the plan")),
        Transition(
            "file",
            frozenset({S.DRAFT}),
            S.FILED,
            DEPARTMENT,
            gettext_lazy("File the plan"),
            guard=_not_special,
        ),
        Transition(
            "submit",
            frozenset({S.DRAFT}),
            S.SUBMITTED,
            DEPARTMENT,
            gettext_lazy("Submit for approval"),
            guard=_special,
        ),
        Transition(
            "approve",
            frozenset({S.SUBMITTED}),
            S.APPROVED,
            LEAD_OFFICE,
            gettext_lazy("Approve the plan"),
        ),
        Transition(
            "refuse",
            frozenset({S.SUBMITTED}),
            S.REFUSED,
            LEAD_OFFICE,
            gettext_lazy("Refuse"),
            needs_text=True,
        ),
        Transition(
            "publish",
            frozenset({S.APPROVED}),
            S.FILED,
            DEPARTMENT,
            gettext_lazy("Publish the plan"),
            guard=_in_time,
        ),
        Transition(
            "withdraw",
            frozenset({S.DRAFT, S.SUBMITTED, S.APPROVED}),
            S.WITHDRAWN,
            DEPARTMENT,
            gettext_lazy("Withdraw the plan"),
        ),
    ],
    authorize=_authorize,
    state_labels=dict(PlanState.choices),
    conflict=gettext_lazy("Someone else changed this plan first; reload and try again."),
    final=frozenset({S.FILED, S.REFUSED, S.WITHDRAWN}),
    effects=(_audit,),
)
