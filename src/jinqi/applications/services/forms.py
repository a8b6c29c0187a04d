"""Writes for applications: a policy's form, versioned (every application keeps the version it
started on)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from jinqi.accounts.models import User
from jinqi.applications.definition import Definition, definition_problems, json_schema, layout
from jinqi.applications.enums import Admission
from jinqi.applications.models import ApplicationForm
from jinqi.applications.permissions import is_policy_department
from jinqi.audit.enums import AuditAction
from jinqi.audit.services import audit_record, snapshot
from jinqi.core import clock
from jinqi.core.errors import DomainError, PermissionDenied
from jinqi.policies.enums import Delivery
from jinqi.policies.models import Policy
from jinqi.registry.vocabulary import FIELDS


@dataclass(frozen=True)
class FormSettings:
    admission: str = Admission.ELIGIBLE_OR_UNKNOWN
    is_open: bool = True
    acceptance_days: int = 2
    correction_days: int = 5
    publicity_days: int = 5


def form_current(policy: Policy) -> ApplicationForm | None:
    return ApplicationForm.objects.filter(policy=policy).order_by("-number").first()


@transaction.atomic
def form_save(
    *,
    policy: Policy,
    definition: Definition,
    settings: FormSettings,
    acting_user: User,
    note: str = "",
) -> ApplicationForm:
    """A new version of the policy's form; applications already started keep theirs."""
    if not is_policy_department(acting_user, policy):
        raise PermissionDenied(_("Only the policy's department can change its form."))
    if policy.delivery == Delivery.AUTO_GRANT:
        raise DomainError(_("A policy granted without applying takes no applications."))
    problems = definition_problems(definition, (f.key for f in FIELDS))
    for name in ("acceptance_days", "correction_days", "publicity_days"):
        if not 1 <= getattr(settings, name) <= 60:
            problems.append(_("Time limits must be 1 to 60 working days."))
            break
    if settings.admission not in Admission.values:
        problems.append(_("Choose who may apply."))
    if problems:
        raise DomainError(" ".join(problems), details=problems)
    number = (policy.forms.aggregate(n=Max("number"))["n"] or 0) + 1
    form = ApplicationForm.objects.create(
        policy=policy,
        number=number,
        schema=json_schema(definition),
        layout=layout(definition),
        admission=settings.admission,
        is_open=settings.is_open,
        acceptance_days=settings.acceptance_days,
        correction_days=settings.correction_days,
        publicity_days=settings.publicity_days,
        note=note[:300],
        created_by=acting_user,
        created_at=clock.now(),
    )
    audit_record(actor=acting_user, action=AuditAction.CREATE, target=form, after=snapshot(form))
    return form
