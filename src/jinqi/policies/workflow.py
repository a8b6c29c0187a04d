"""The policy's and the auto-grant's workflows, declared once (docs/adr/0012-workflow-mechanism.md).

A policy is drafted, published (again after a withdrawal), revised while published (a new rule
version, its matches recomputed) and withdrawn; each step is logged in core's WorkflowStep.

An auto-grant (免申即享): 比对 → 推送 → 意愿确认 → 兑付 → 公示. The department's confirmed list
puts each eligible enterprise in line, WAITING; the platform offers a free place under the quota
or budget (OFFERED: the enterprise confirms where it should be paid, or declines) or grants it
outright when there is nothing to confirm (GRANTED, e.g. a tax exemption); the department records
the payment. Each step is logged as a GrantTransition.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jinqi.accounts.selectors import enterprise_users
from jinqi.audit.enums import AuditAction
from jinqi.audit.services import audit_record
from jinqi.core.errors import PermissionDenied
from jinqi.core.workflow import Step, Transition, Workflow
from jinqi.notifications.services import notification_send
from jinqi.policies.enums import GrantState, PolicyState
from jinqi.policies.models import Grant, GrantTransition, Policy
from jinqi.policies.permissions import can_manage

DEPARTMENT = "department"  # the policy's own department
ENTERPRISE = "enterprise"  # the grant's enterprise
# Steps the platform takes as a consequence of another (a place offered when one frees up):
# no user acts as the platform, the services apply them with `authorized=True`.
PLATFORM = "platform"

# -- the policy -------------------------------------------------------------------------------


def _authorize_policy(policy: Policy, actor: str, user: Any) -> None:
    if actor != DEPARTMENT or not can_manage(user, policy):
        raise PermissionDenied(_("Only the policy's own department can change it."))


def _audit_policy_state(step: Step[Policy]) -> None:
    if step.source == step.transition.target:
        return  # a revision is audited with its rule (rule_version_create)
    audit_record(
        actor=step.actor,
        action=AuditAction.TRANSITION,
        target=step.record,
        before={"state": step.source},
        after={"state": step.transition.target},
    )


P = PolicyState

POLICY_WORKFLOW: Workflow[Policy] = Workflow(
    model=Policy,
    transitions=[
        Transition(
            "publish",
            frozenset({P.DRAFT, P.WITHDRAWN}),
            P.PUBLISHED,
            DEPARTMENT,
            gettext_lazy("Publish"),
            not_now=gettext_lazy("The policy is published already."),
        ),
        Transition(
            "revise",
            frozenset({P.PUBLISHED}),
            P.PUBLISHED,
            DEPARTMENT,
            gettext_lazy("Rule version"),
        ),
        Transition(
            "withdraw",
            frozenset({P.DRAFT, P.PUBLISHED}),
            P.WITHDRAWN,
            DEPARTMENT,
            gettext_lazy("Withdraw"),
        ),
    ],
    authorize=_authorize_policy,
    state_labels=dict(PolicyState.choices),
    conflict=gettext_lazy("Someone else changed this policy first; reload and try again."),
    effects=(_audit_policy_state,),
)

# -- the auto-grant ---------------------------------------------------------------------------


def _authorize_grant(grant: Grant, actor: str, user: Any) -> None:
    if actor == ENTERPRISE:
        if getattr(user, "enterprise_uscc", None) != grant.enterprise.uscc:
            raise PermissionDenied(_("Only the enterprise itself can answer this offer."))
    elif actor != DEPARTMENT or not can_manage(user, grant.policy):
        raise PermissionDenied(_("Only the policy's own department can change it."))


def _grant_log(step: Step[Grant]) -> GrantTransition:
    return GrantTransition.objects.create(
        grant=step.record,
        from_state=step.source,
        to_state=step.transition.target,
        actor=step.actor,
        comment=step.text,
        at=step.at,
    )


def _audit_grant(step: Step[Grant]) -> None:
    if not step.source:
        return  # lining up is audited once for the whole list (auto_grant_list_confirm)
    # Dates and times (an offer's terms) are recorded in their ISO form.
    changes = {
        k: v.isoformat() if hasattr(v, "isoformat") else v
        for k, v in step.changes.items()
        if k != "updated_at"
    }
    audit_record(
        actor=step.actor,
        action=AuditAction.TRANSITION,
        target=step.record,
        before={"state": step.source},
        after={"state": step.transition.target, **changes},
        note=step.text,
    )


def _notify_grant(step: Step[Grant]) -> None:
    grant = step.record
    policy = grant.policy
    if step.transition.action == "offer":
        title = _("You are offered %(policy)s without applying") % {"policy": policy.title}
        body = _("Confirm that you want the benefit and where it should be paid, or decline.")
    elif step.transition.action == "expire":
        title = _("Your offer of %(policy)s has expired") % {"policy": policy.title}
        body = _("It was not answered in time; the place goes to the next enterprise in line.")
    elif step.transition.action == "grant":
        title = _("You have been granted %(policy)s without applying") % {"policy": policy.title}
        body = str(policy.benefit)
    else:
        return
    notification_send(
        recipients=enterprise_users([grant.enterprise.uscc]),
        kind="policies.auto_grant",
        title=title,
        body=body,
        link=reverse("policies:mine"),
        dedup_key=f"grant:{grant.pk}:{grant.state}",
    )


G = GrantState

GRANT_WORKFLOW: Workflow[Grant] = Workflow(
    model=Grant,
    transitions=[
        Transition("line_up", frozenset({""}), G.WAITING, DEPARTMENT, G.WAITING.label),
        Transition("offer", frozenset({G.WAITING}), G.OFFERED, PLATFORM, G.OFFERED.label),
        Transition("grant", frozenset({G.WAITING}), G.GRANTED, PLATFORM, G.GRANTED.label),
        Transition(
            "confirm", frozenset({G.OFFERED}), G.CONFIRMED, ENTERPRISE, gettext_lazy("Confirm")
        ),
        Transition(
            "decline", frozenset({G.OFFERED}), G.DECLINED, ENTERPRISE, gettext_lazy("Decline")
        ),
        Transition("expire", frozenset({G.OFFERED}), G.EXPIRED, PLATFORM, G.EXPIRED.label),
        Transition(
            "disburse",
            frozenset({G.CONFIRMED, G.GRANTED}),
            G.DISBURSED,
            DEPARTMENT,
            G.DISBURSED.label,
        ),
    ],
    authorize=_authorize_grant,
    state_labels=dict(GrantState.choices),
    conflict=gettext_lazy("Someone else changed this grant first; reload and try again."),
    final=frozenset({G.DECLINED, G.EXPIRED, G.DISBURSED}),
    log=_grant_log,
    effects=(_audit_grant, _notify_grant),
)

# States that hold a place under the quota or budget.
HOLDING = frozenset({G.OFFERED, G.CONFIRMED, G.GRANTED, G.DISBURSED})
# States published in the award list (公示).
AWARDED = frozenset({G.CONFIRMED, G.GRANTED, G.DISBURSED})
