"""The credit-repair workflow (信用修复), declared once (docs/adr/0012-workflow-mechanism.md).

    (apply) ──► submitted ──accept──► accepted ──approve──► approved (the record is 已修复)
                   │  │                 │  ▲ extend (once, with a reason)
                   │  └─not accept──►   │  └──┘
                   │   not accepted     └──reject──► rejected
                   └──────withdraw (also from accepted)──► withdrawn

The enterprise applies and may withdraw; the deciding department accepts within 3 working days
and decides within 10 (extended once, with a reason), on the working-day calendar. What the
approval does to the record and to everything that depends on it is in `credit.repairs`.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jinqi.accounts.selectors import department_staff, enterprise_users
from jinqi.audit.services import workflow_step_audit
from jinqi.core.errors import PermissionDenied
from jinqi.core.workflow import Step, Transition, Workflow
from jinqi.credit.enums import RepairState as S
from jinqi.credit.models import RepairApplication
from jinqi.credit.repair_permissions import is_deciding_department, is_own_enterprise
from jinqi.notifications.services import notification_send

ENTERPRISE = "enterprise"  # a user of the record's enterprise
DEPARTMENT = "department"  # staff of the department that decided the record

OPEN = frozenset({S.SUBMITTED, S.ACCEPTED})


def _authorize(application: RepairApplication, actor: str, user: Any) -> None:
    if actor == ENTERPRISE:
        if not is_own_enterprise(user, application.enterprise.uscc):
            raise PermissionDenied(_("Only the enterprise itself can do this."))
    elif not is_deciding_department(user, application.department_id):
        raise PermissionDenied(_("Only the department that decided the record can do this."))


def _not_extended(application: RepairApplication) -> str | None:
    if application.extension_reason:
        return _("The decision period has been extended once already.")
    return None


def _notify(step: Step[RepairApplication]) -> None:
    """The other side hears of each step: the department of an application or a withdrawal, the
    enterprise of what the department did."""
    application = step.record
    record = application.record
    if step.transition.actor == ENTERPRISE:
        recipients = department_staff(application.department)
        link = reverse("credit:repair_detail", kwargs={"pk": application.pk})
    else:
        recipients = enterprise_users([application.enterprise.uscc])
        link = reverse("credit:mine")
    notification_send(
        recipients=recipients,
        kind="credit.repair",
        title=_("Credit repair of %(number)s: %(state)s")
        % {"number": record.decision_number, "state": S(application.state).label},
        body=step.text,
        link=link,
        dedup_key=f"credit-repair:{application.pk}:{step.transition.action}:{application.lock_version}",
    )


REPAIR_WORKFLOW: Workflow[RepairApplication] = Workflow(
    model=RepairApplication,
    transitions=[
        Transition("apply", frozenset({""}), S.SUBMITTED, ENTERPRISE, gettext_lazy("Apply")),
        Transition(
            "accept", frozenset({S.SUBMITTED}), S.ACCEPTED, DEPARTMENT, gettext_lazy("Accept")
        ),
        Transition(
            "not_accept",
            frozenset({S.SUBMITTED}),
            S.NOT_ACCEPTED,
            DEPARTMENT,
            gettext_lazy("Do not accept"),
            needs_text=True,
        ),
        Transition(
            "extend",
            frozenset({S.ACCEPTED}),
            S.ACCEPTED,
            DEPARTMENT,
            gettext_lazy("Extend the decision period"),
            needs_text=True,
            guard=_not_extended,
        ),
        Transition(
            "approve",
            frozenset({S.ACCEPTED}),
            S.APPROVED,
            DEPARTMENT,
            gettext_lazy("Approve the repair"),
        ),
        Transition(
            "reject",
            frozenset({S.ACCEPTED}),
            S.REJECTED,
            DEPARTMENT,
            gettext_lazy("Refuse the repair"),
            needs_text=True,
        ),
        Transition("withdraw", OPEN, S.WITHDRAWN, ENTERPRISE, gettext_lazy("Withdraw")),
    ],
    authorize=_authorize,
    state_labels=dict(S.choices),
    conflict=gettext_lazy("Someone else changed this application first; reload and try again."),
    final=frozenset({S.NOT_ACCEPTED, S.APPROVED, S.REJECTED, S.WITHDRAWN}),
    effects=(workflow_step_audit, _notify),
)
