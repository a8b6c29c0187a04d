"""The legal check's workflow, declared once (docs/adr/0012-workflow-mechanism.md).

    (request) ──► requested ──accept──► in_progress ──report──► reported ──close──► closed
                      └──withdraw──► withdrawn               (rectifying)  (return visit)

The enterprise asks and may withdraw before a provider takes the check; the provider who took
it (司法所 staff: the same department; a law firm: the same organisation) fills it in with the
enterprise, issues the report and closes the check at the return visit. What each step writes
besides the state is in `legalcheck.services`."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jinqi.accounts.models import Department, User
from jinqi.accounts.selectors import department_staff, enterprise_users
from jinqi.audit.services import workflow_step_audit
from jinqi.core.errors import PermissionDenied
from jinqi.core.workflow import Step, Transition, Workflow
from jinqi.legalcheck.enums import CheckState as S
from jinqi.legalcheck.models import ChecklistItem, LegalCheck
from jinqi.legalcheck.permissions import (
    JUSTICE_BUREAU,
    is_own_enterprise,
    is_provider,
    law_firm_of,
)
from jinqi.notifications.services import notification_send

ENTERPRISE = "enterprise"  # a user of the checked enterprise
PROVIDER = "provider"  # the provider that took the check (any provider before it is taken)


def acts_for_provider(user: Any, check: LegalCheck) -> bool:
    """Whether `user` acts for the provider of `check` (any provider while nobody took it)."""
    if not is_provider(user):
        return False
    if check.provider_organisation_id is not None:
        firm = law_firm_of(user)
        return firm is not None and firm.pk == check.provider_organisation_id
    if check.provider_department_id is not None:
        return check.provider_department_id == getattr(user, "department_id", None)
    return True


def _authorize(check: LegalCheck, actor: str, user: Any) -> None:
    if actor == ENTERPRISE:
        if not is_own_enterprise(user, check.enterprise.uscc):
            raise PermissionDenied(_("Only the enterprise itself can do this."))
    elif not acts_for_provider(user, check):
        raise PermissionDenied(_("Only the provider that took this check can do this."))


def _all_answered(check: LegalCheck) -> str | None:
    answered = set(check.findings.values_list("item_id", flat=True))
    missing = ChecklistItem.objects.active().exclude(pk__in=answered).count()
    if missing:
        return _("%(count)s items of the checklist are not answered yet.") % {"count": missing}
    return None


def _all_checked(check: LegalCheck) -> str | None:
    if check.rectifications.filter(result="").exists():
        return _("Record the result of every rectification item at the return visit.")
    return None


def _notify(step: Step[LegalCheck]) -> None:
    """The other side hears of each step: the 区司法局 (or the provider) of a request or a
    withdrawal, the enterprise of what the provider did."""
    check = step.record
    link = reverse("legalcheck:detail", kwargs={"pk": check.pk})
    if step.transition.actor == ENTERPRISE:
        department = (
            check.provider_department or Department.objects.filter(code=JUSTICE_BUREAU).first()
        )
        if department is None:
            return
        recipients = department_staff(department)
        if check.provider_organisation_id is not None:
            recipients = User.objects.filter(
                provider_membership__provider_id=check.provider_organisation_id
            )
    else:
        recipients = enterprise_users([check.enterprise.uscc])
    notification_send(
        recipients=recipients,
        kind="legalcheck.step",
        title=_("Legal health check of %(name)s: %(state)s")
        % {"name": check.enterprise.name, "state": S(check.state).label},
        body=step.text,
        link=link,
        dedup_key=f"legalcheck:{check.pk}:{step.transition.action}:{check.lock_version}",
    )


LEGAL_CHECK_WORKFLOW: Workflow[LegalCheck] = Workflow(
    model=LegalCheck,
    transitions=[
        Transition("request", frozenset({""}), S.REQUESTED, ENTERPRISE, gettext_lazy("Ask")),
        Transition(
            "withdraw", frozenset({S.REQUESTED}), S.WITHDRAWN, ENTERPRISE, gettext_lazy("Withdraw")
        ),
        Transition(
            "accept", frozenset({S.REQUESTED}), S.IN_PROGRESS, PROVIDER, gettext_lazy("Take")
        ),
        Transition(
            "report",
            frozenset({S.IN_PROGRESS}),
            S.REPORTED,
            PROVIDER,
            gettext_lazy("Issue the report"),
            guard=_all_answered,
        ),
        Transition(
            "close",
            frozenset({S.REPORTED}),
            S.CLOSED,
            PROVIDER,
            gettext_lazy("Close after the return visit"),
            guard=_all_checked,
        ),
    ],
    authorize=_authorize,
    state_labels=dict(S.choices),
    conflict=gettext_lazy("Someone else changed this check first; reload and try again."),
    final=frozenset({S.CLOSED, S.WITHDRAWN}),
    effects=(workflow_step_audit, _notify),
)
