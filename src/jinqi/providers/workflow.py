"""A provider's standing in the alliance, declared once (docs/adr/0012-workflow-mechanism.md).

    (apply) ──► applied ──admit──► admitted ──suspend──► suspended
                  │                   ▲  │                  │ │
                  │                   │  └────remove──┐     │ │
                  │                   └──reinstate────┼─────┘ │
                  └──refuse──► refused                ▼       │
                                                   removed ◄──┘ remove

Anyone may apply (a public form); the alliance office (区经委) decides, with a reason for every
refusal, suspension, reinstatement and removal. Steps are logged in core's WorkflowStep.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from jinqi.audit.enums import AuditAction
from jinqi.audit.services import audit_record
from jinqi.core.errors import PermissionDenied
from jinqi.core.workflow import Step, Transition, Workflow
from jinqi.providers.enums import NeedState as N
from jinqi.providers.enums import ProviderStatus as S
from jinqi.providers.models import ServiceNeed, ServiceProvider
from jinqi.providers.permissions import is_alliance_office, is_own_enterprise
from jinqi.providers.selectors import may_answer

APPLICANT = "applicant"  # whoever fills in the public application form
OFFICE = "office"  # staff of the alliance office (区经委)
ENTERPRISE = "enterprise"  # a user of the enterprise that posted a need
PROVIDER = "provider"  # staff of an admitted provider the need is open to


def _authorize(provider: ServiceProvider, actor: str, user: Any) -> None:
    if actor == OFFICE and not is_alliance_office(user):
        raise PermissionDenied(_("Only the alliance office can do this."))


def _audit(step: Step[ServiceProvider]) -> None:
    audit_record(
        actor=step.actor,
        action=AuditAction.CREATE if not step.source else AuditAction.TRANSITION,
        target=step.record,
        before={"status": step.source},
        after={"status": step.transition.target},
        note=step.text[:300],
    )


PROVIDER_WORKFLOW: Workflow[ServiceProvider] = Workflow(
    model=ServiceProvider,
    transitions=[
        Transition("apply", frozenset({""}), S.APPLIED, APPLICANT, gettext_lazy("Apply")),
        Transition("admit", frozenset({S.APPLIED}), S.ADMITTED, OFFICE, gettext_lazy("Admit")),
        Transition(
            "refuse",
            frozenset({S.APPLIED}),
            S.REFUSED,
            OFFICE,
            gettext_lazy("Refuse the application"),
            needs_text=True,
        ),
        Transition(
            "suspend",
            frozenset({S.ADMITTED}),
            S.SUSPENDED,
            OFFICE,
            gettext_lazy("Suspend"),
            needs_text=True,
        ),
        Transition(
            "reinstate",
            frozenset({S.SUSPENDED}),
            S.ADMITTED,
            OFFICE,
            gettext_lazy("Reinstate"),
            needs_text=True,
        ),
        Transition(
            "remove",
            frozenset({S.ADMITTED, S.SUSPENDED}),
            S.REMOVED,
            OFFICE,
            gettext_lazy("Remove from the alliance"),
            needs_text=True,
        ),
    ],
    authorize=_authorize,
    state_labels=dict(S.choices),
    conflict=gettext_lazy("Someone else changed this provider first; reload and try again."),
    final=frozenset({S.REFUSED, S.REMOVED}),
    state_field="status",
    effects=(_audit,),
)


def _authorize_need(need: ServiceNeed, actor: str, user: Any) -> None:
    if actor == ENTERPRISE:
        if not is_own_enterprise(user, need.enterprise.uscc):
            raise PermissionDenied(_("Only the enterprise that posted the need can do this."))
    elif not may_answer(user, need):
        raise PermissionDenied(_("This need is not open to your organisation."))


def _audit_need(step: Step[ServiceNeed]) -> None:
    audit_record(
        actor=step.actor,
        action=AuditAction.CREATE if not step.source else AuditAction.TRANSITION,
        target=step.record,
        before={"state": step.source},
        after={"state": step.transition.target},
    )


# An enterprise posts a need (to a category and town, or to one provider it picked); the first
# admitted provider that answers takes it up; the enterprise rates the service once, or
# withdraws the need while nobody has answered. Later messages are a conversation, not steps.
NEED_WORKFLOW: Workflow[ServiceNeed] = Workflow(
    model=ServiceNeed,
    transitions=[
        Transition("post", frozenset({""}), N.OPEN, ENTERPRISE, gettext_lazy("Post")),
        Transition(
            "answer",
            frozenset({N.OPEN}),
            N.ANSWERED,
            PROVIDER,
            gettext_lazy("Answer"),
            needs_text=True,
        ),
        Transition(
            "rate", frozenset({N.ANSWERED}), N.RATED, ENTERPRISE, pgettext_lazy("providers", "Rate")
        ),
        Transition(
            "withdraw", frozenset({N.OPEN}), N.WITHDRAWN, ENTERPRISE, gettext_lazy("Withdraw")
        ),
    ],
    authorize=_authorize_need,
    state_labels=dict(N.choices),
    conflict=gettext_lazy("Someone else changed this need first; reload and try again."),
    final=frozenset({N.RATED, N.WITHDRAWN}),
    effects=(_audit_need,),
)
