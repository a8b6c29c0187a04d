"""The record's and the reorganisation's workflows, declared once (docs/adr/0012).

A record's status changes only as a consequence of something else the services authorize: a
reorganisation masks and unmasks it, an approved repair marks it repaired, the daily job takes
it down at the end of its maximum period. The platform is the actor of every step; each is
logged in core's WorkflowStep. A reorganisation is closed by the lead office: performed (credit
re-assessed) or ended without performance."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jinqi.audit.enums import AuditAction
from jinqi.audit.services import audit_record
from jinqi.core.errors import PermissionDenied
from jinqi.core.permissions import has_capability
from jinqi.core.workflow import Step, Transition, Workflow
from jinqi.credit.enums import RecordStatus, ReorganisationState
from jinqi.credit.models import CreditRecord, Reorganisation
from jinqi.credit.permissions import MANAGE_REORGANISATIONS
from jinqi.credit.signals import record_changed

PLATFORM = "platform"  # steps services take as consequences (applied with authorized=True)
LEAD_OFFICE = "lead_office"


def _authorize_record(record: CreditRecord, actor: str, user: Any) -> None:
    raise PermissionDenied(_("A record changes only through its repair or the platform."))


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return getattr(value, "pk", value)


def _audit(step: Step[Any]) -> None:
    changes = {k: _plain(v) for k, v in step.changes.items() if k != "updated_at"}
    audit_record(
        actor=step.actor,
        action=AuditAction.TRANSITION,
        target=step.record,
        before={step.record.__class__.__name__: step.source},
        after={step.record.__class__.__name__: step.transition.target, **changes},
        note=step.text,
    )


def _announce(step: Step[CreditRecord]) -> None:
    record_changed.send(sender=CreditRecord, record=step.record, change=step.transition.action)


R = RecordStatus
RECORD_WORKFLOW: Workflow[CreditRecord] = Workflow(
    model=CreditRecord,
    transitions=[
        Transition("mask", frozenset({R.PUBLISHED}), R.MASKED, PLATFORM, R.MASKED.label),
        Transition("unmask", frozenset({R.MASKED}), R.PUBLISHED, PLATFORM, R.PUBLISHED.label),
        Transition("repair", frozenset({R.PUBLISHED}), R.REPAIRED, PLATFORM, R.REPAIRED.label),
        Transition(
            "take_down",
            frozenset({R.PUBLISHED, R.MASKED}),
            R.TAKEN_DOWN,
            PLATFORM,
            R.TAKEN_DOWN.label,
        ),
    ],
    authorize=_authorize_record,
    state_labels=dict(RecordStatus.choices),
    conflict=gettext_lazy("Someone else changed this record first; reload and try again."),
    final=frozenset({R.REPAIRED, R.TAKEN_DOWN}),
    effects=(_audit, _announce),
    state_field="status",
)


def _authorize_reorganisation(reorganisation: Reorganisation, actor: str, user: Any) -> None:
    if actor != LEAD_OFFICE or not has_capability(user, MANAGE_REORGANISATIONS):
        raise PermissionDenied(_("Only the lead office closes a reorganisation."))


RO = ReorganisationState
REORGANISATION_WORKFLOW: Workflow[Reorganisation] = Workflow(
    model=Reorganisation,
    transitions=[
        Transition(
            "complete",
            frozenset({RO.IN_FORCE}),
            RO.COMPLETED,
            LEAD_OFFICE,
            gettext_lazy("Plan performed"),
        ),
        Transition(
            "end",
            frozenset({RO.IN_FORCE}),
            RO.ENDED,
            LEAD_OFFICE,
            gettext_lazy("Ended without performance"),
            needs_text=True,
        ),
    ],
    authorize=_authorize_reorganisation,
    state_labels=dict(ReorganisationState.choices),
    conflict=gettext_lazy("Someone else changed this reorganisation first; reload and try again."),
    final=frozenset({RO.COMPLETED, RO.ENDED}),
    effects=(_audit,),
)
