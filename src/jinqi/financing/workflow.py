"""The financing request's workflow, declared once (docs/adr/0012-workflow-mechanism.md).

    (submit) ──► submitted ──take──► taken ──grant──► granted
                    │                 │ ▲ ──decline──► declined
                    │          ask ▼  │ answer
                    │                asked ──grant / decline──►
                    └──── withdraw (also from taken, asked) ──► withdrawn

The enterprise submits, answers and may withdraw; any institution may take a submitted request
up, and from then on only that institution asks, grants or declines, within the configured
number of working days (`financing.services.DECIDE_WITHIN`). The conversation is the log.
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
from jinqi.financing.enums import RequestState as S
from jinqi.financing.membership import institution_of
from jinqi.financing.models import FinancingRequest
from jinqi.notifications.services import notification_send
from jinqi.registry.selectors import enterprise_of

ENTERPRISE = "enterprise"  # a user of the requesting enterprise
INSTITUTION = "institution"  # a member of an institution (the one that took the request up)

OPEN = frozenset({S.SUBMITTED, S.TAKEN, S.ASKED})
IN_HAND = frozenset({S.TAKEN, S.ASKED})


def _authorize(request: FinancingRequest, actor: str, user: Any) -> None:
    if actor == ENTERPRISE:
        own = enterprise_of(user)
        if own is None or own.pk != request.enterprise_id:
            raise PermissionDenied(_("Only the enterprise itself can do this."))
        return
    institution = institution_of(user)
    if institution is None:
        raise PermissionDenied(_("Only a financial institution can do this."))
    if request.institution_id is not None and request.institution_id != institution.pk:
        raise PermissionDenied(_("Another institution has taken this request up."))


def _audit(step: Step[FinancingRequest]) -> None:
    changes = {
        key: str(value) if value is not None and not isinstance(value, int | str) else value
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


def _notify(step: Step[FinancingRequest]) -> None:
    """The enterprise hears of what the institution did; the institution (once one has the
    request) of what the enterprise did."""
    request = step.record
    link = reverse("financing:request_detail", kwargs={"pk": request.pk})
    if step.transition.actor == INSTITUTION:
        recipients: Any = enterprise_users([request.enterprise.uscc])
    elif request.institution is not None:
        recipients = [m.user for m in request.institution.members.select_related("user")]
    else:
        return
    notification_send(
        recipients=recipients,
        kind="financing.request",
        title=_("Financing request %(reference)s: %(state)s")
        % {"reference": request.reference, "state": S(request.state).label},
        body=step.text,
        link=link,
        dedup_key=f"financing:{request.pk}:{request.lock_version}",
    )


REQUEST_WORKFLOW: Workflow[FinancingRequest] = Workflow(
    model=FinancingRequest,
    transitions=[
        Transition("submit", frozenset({""}), S.SUBMITTED, ENTERPRISE, gettext_lazy("Submit")),
        Transition("take", frozenset({S.SUBMITTED}), S.TAKEN, INSTITUTION, gettext_lazy("Take up")),
        Transition(
            "ask",
            frozenset({S.TAKEN}),
            S.ASKED,
            INSTITUTION,
            gettext_lazy("Ask the enterprise"),
            needs_text=True,
        ),
        Transition(
            "answer",
            frozenset({S.ASKED}),
            S.TAKEN,
            ENTERPRISE,
            gettext_lazy("Answer"),
            needs_text=True,
        ),
        Transition("grant", IN_HAND, S.GRANTED, INSTITUTION, gettext_lazy("Grant")),
        Transition(
            "decline", IN_HAND, S.DECLINED, INSTITUTION, gettext_lazy("Decline"), needs_text=True
        ),
        Transition("withdraw", OPEN, S.WITHDRAWN, ENTERPRISE, gettext_lazy("Withdraw")),
    ],
    authorize=_authorize,
    state_labels=dict(S.choices),
    conflict=gettext_lazy("Someone else changed this request first; reload and try again."),
    final=frozenset({S.GRANTED, S.DECLINED, S.WITHDRAWN}),
    effects=(_audit, _notify),
)
