"""Reads of applications, scoped by the acting user: anything out of scope is a 404."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Max, Q, QuerySet
from django.http import Http404

from jinqi.accounts.models import User
from jinqi.applications import workflow
from jinqi.applications.enums import ApplicationState, Reviewer
from jinqi.applications.models import (
    Application,
    ApplicationForm,
    Attachment,
    Objection,
    PublicityBatch,
)
from jinqi.applications.permissions import APPLY, REVIEW, SUPERVISE
from jinqi.core import clock
from jinqi.core.calendar import WorkingDays
from jinqi.core.models import StoredFile
from jinqi.core.permissions import has_capability
from jinqi.policies.amounts import Amount, amount_compute
from jinqi.policies.enums import Delivery, PolicyState
from jinqi.policies.evaluation import prepared_profile
from jinqi.policies.models import Policy
from jinqi.registry.selectors import profile_dict

S = ApplicationState
# Soonest deadline first, those without one last.
DEADLINE_FIRST = F("deadline").asc(nulls_last=True)


def applications_visible_to(user: Any) -> QuerySet[Application]:
    """An enterprise sees its own; a department the submitted applications for its policies;
    the lead office every submitted application."""
    applications = Application.objects.select_related(
        "policy", "policy__department", "enterprise", "form", "batch"
    )
    if has_capability(user, APPLY) and user.enterprise_uscc:
        return applications.filter(enterprise__uscc=user.enterprise_uscc)
    if has_capability(user, REVIEW):
        return applications.filter(
            policy__department_id=user.department_id, state__in=workflow.DEPARTMENT_VISIBLE
        )
    if has_capability(user, SUPERVISE):
        return applications.filter(state__in=workflow.DEPARTMENT_VISIBLE)
    return applications.none()


def application_for(user: User, reference: str) -> Application:
    application = applications_visible_to(user).filter(reference=reference).first()
    if application is None:
        raise Http404
    return application


@dataclass(frozen=True)
class QueueFilters:
    state: str = ""
    policy: str = ""  # a policy code
    overdue: bool = False
    query: str = ""  # enterprise name or credit code, or the reference


def review_queue(user: User, filters: QueueFilters) -> QuerySet[Application]:
    """The workbench: applications waiting for the user's side, soonest deadline first."""
    applications = applications_visible_to(user)
    if has_capability(user, APPLY):
        return applications.none()
    if filters.state:
        applications = applications.filter(state=filters.state)
    if filters.policy:
        applications = applications.filter(policy__code=filters.policy)
    if filters.overdue:
        applications = applications.filter(deadline__lt=clock.today())
    if filters.query:
        text = filters.query.strip()
        applications = applications.filter(
            Q(enterprise__name__icontains=text)
            | Q(enterprise__uscc=text.upper())
            | Q(reference=text.upper())
        )
    return applications.order_by(DEADLINE_FIRST, "submitted_at", "pk")


def queue_policies(user: User) -> QuerySet[Policy]:
    """The policies the user's queue can be filtered by: those with applications it sees."""
    return Policy.objects.filter(pk__in=applications_visible_to(user).values("policy_id")).order_by(
        "title"
    )


def working_days_left(applications: Sequence[Application]) -> dict[int, int]:
    """Application pk → working days from today to its deadline (negative when overdue), for
    those with a deadline; the calendar is read once for all of them."""
    today = clock.today()
    deadlines: list[dt.date] = [a.deadline for a in applications if a.deadline]
    if not deadlines:
        return {}
    days = WorkingDays(min(today, *deadlines), max(today, *deadlines))
    return {a.pk: days.between(today, a.deadline) for a in applications if a.deadline}


def is_overdue(application: Application) -> bool:
    return application.deadline is not None and application.deadline < clock.today()


def policies_taking_applications() -> QuerySet[Policy]:
    """Published policies with an open form (the department's list and the enterprise's)."""
    return (
        Policy.objects.filter(state=PolicyState.PUBLISHED, forms__isnull=False)
        .exclude(delivery=Delivery.AUTO_GRANT)
        .distinct()
        .select_related("department")
    )


def department_policies(user: Any) -> QuerySet[Policy]:
    """The policies whose forms the user's department edits."""
    if not has_capability(user, REVIEW):
        return Policy.objects.none()
    return Policy.objects.filter(department_id=user.department_id).exclude(
        delivery=Delivery.AUTO_GRANT
    )


def department_forms(user: User) -> QuerySet[Policy]:
    """The department's policies with the number of their current form version (or None)."""
    return department_policies(user).annotate(form_number=Max("forms__number")).order_by("title")


def department_policy(user: User, code: str) -> Policy:
    policy = department_policies(user).filter(code=code).first()
    if policy is None:
        raise Http404
    return policy


def forms_of(policy: Policy) -> QuerySet[ApplicationForm]:
    return policy.forms.order_by("-number")


def form_keys_used(policy: Policy) -> frozenset[str]:
    """Every field and material key of every version of the policy's form."""
    keys: set[str] = set()
    for version in forms_of(policy):
        definition = version.definition
        keys.update(f.key for f in definition.fields)
        keys.update(m.key for m in definition.materials)
    return frozenset(keys)


def attachment_for(user: User, pk: int) -> Attachment:
    """An attachment of an application the user may see (applicant or reviewing side)."""
    attachment = (
        Attachment.objects.filter(pk=pk, application__in=applications_visible_to(user))
        .select_related("file", "application")
        .first()
    )
    if attachment is None:
        raise Http404
    return attachment


def may_download_material(user: User, stored: StoredFile) -> bool:
    """The upload component's rule for application materials: the applicant and the policy's
    department (and the lead office, which reviews too)."""
    return Attachment.objects.filter(
        file=stored, application__in=applications_visible_to(user)
    ).exists()


# -- publicity -----------------------------------------------------------------------------------


def batches_public() -> QuerySet[PublicityBatch]:
    return PublicityBatch.objects.select_related("policy", "policy__department")


def batches_listed() -> QuerySet[PublicityBatch]:
    """The public list of notices, newest first, with how many enterprises each names."""
    return (
        batches_public()
        .annotate(enterprises=Count("applications"))
        .order_by("-published_at", "-id")
    )


def batch_public(code: str, number: int) -> PublicityBatch:
    batch = batches_public().filter(policy__code=code, number=number).first()
    if batch is None:
        raise Http404
    return batch


@dataclass(frozen=True)
class PublicRow:
    """What a public notice shows of an application: never personal data."""

    reference: str
    enterprise: str
    uscc: str
    amount: Any
    state: str


def batch_rows(batch: PublicityBatch) -> list[PublicRow]:
    applications = batch.applications.select_related("enterprise").order_by("enterprise__name")
    return [
        PublicRow(
            a.reference,
            a.enterprise.name,
            a.enterprise.uscc,
            a.approved_amount,
            str(ApplicationState(a.state).label),
        )
        for a in applications
    ]


def batches_managed(user: Any) -> QuerySet[PublicityBatch]:
    if has_capability(user, REVIEW):
        return batches_public().filter(policy__department_id=user.department_id)
    if has_capability(user, SUPERVISE):
        return batches_public()
    return PublicityBatch.objects.none()


def batch_managed(user: User, pk: int) -> PublicityBatch:
    batch = batches_managed(user).filter(pk=pk).first()
    if batch is None:
        raise Http404
    return batch


def objections_of(batch: PublicityBatch) -> QuerySet[Objection]:
    return batch.objections.select_related("application__enterprise")


def objection_managed(user: User, pk: int) -> Objection:
    """An objection to a notice of the user's department."""
    objection = (
        Objection.objects.filter(pk=pk, batch__in=batches_managed(user))
        .select_related("batch__policy")
        .first()
    )
    if objection is None:
        raise Http404
    return objection


def todo_waiting(user: Any) -> int | None:
    """Applications waiting for the user's side: for a department those to accept and the review
    steps that are its; for the lead office the review steps that are its."""
    department = has_capability(user, REVIEW)
    if not department and not has_capability(user, SUPERVISE):
        return None
    waiting = applications_visible_to(user).filter(
        state__in=(ApplicationState.SUBMITTED, ApplicationState.IN_REVIEW)
    )
    count = 0
    for application in waiting.select_related("form"):
        if application.state == ApplicationState.SUBMITTED:
            mine = department  # acceptance is the department's
        else:
            step = application.form.definition.steps[application.step]
            mine = (step.reviewer == Reviewer.LEAD_OFFICE) != department
        count += int(mine)
    return count


def application_amount(application: Application) -> Amount | None:
    """The amount the policy computes from this application's figures (金经委规〔2023〕2号
    第3条: 10 % of the hardware and software investment, at most 300 万元), with its
    calculation in words; None for a policy whose amount does not read an application."""
    policy = application.policy
    if not (policy.amount_expression and policy.amount_answers):
        return None
    labels = {f.key: f.label for f in application.form.definition.fields}
    figures = {key: labels.get(key, key) for key in policy.amount_answers}
    today = clock.today()
    profile = prepared_profile(profile_dict(application.enterprise), today)
    for key in figures:
        profile[key] = _figure(application.answers.get(key))
    return amount_compute(
        expression=policy.amount_expression,
        calculation=policy.amount_calculation,
        parameters=policy.parameters,
        profile=profile,
        as_of=today,
        eligible=True,  # the review decides admission; the amount follows the figures given
        answers=figures,
    )


def _figure(value: Any) -> float | None:
    """An answer as a number (a form's number fields hold numbers; anything else is missing)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        return float(value)
    except ValueError:
        return None


def default_amount(application: Application) -> Decimal | None:
    """What approval pays unless the reviewer states otherwise: the amount computed from the
    application's figures when the policy computes one, else the policy's fixed sum."""
    computed = application_amount(application)
    return computed.value if computed is not None else application.policy.grant_amount
