"""Writes after approval: the public notice (公示) of approved applications, objections raised
during it and their answers, and payment (兑付) once it ended."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils.translation import gettext as _

from jinqi.accounts.models import User
from jinqi.applications.enums import ApplicationState as S
from jinqi.applications.enums import ObjectionState
from jinqi.applications.models import Application, Objection, PublicityBatch
from jinqi.applications.permissions import is_policy_department
from jinqi.applications.services.forms import form_current
from jinqi.applications.services.moves import application_move
from jinqi.applications.workflow import WORKFLOW
from jinqi.audit.enums import AuditAction
from jinqi.audit.services import audit_record, snapshot
from jinqi.core import clock
from jinqi.core.calendar import add_working_days
from jinqi.core.errors import DomainError, PermissionDenied
from jinqi.core.locking import lock_until_commit
from jinqi.notifications.services import notification_send
from jinqi.policies.models import Policy


@transaction.atomic
def applications_publicise(
    *, policy: Policy, applications: Sequence[Application], acting_user: User
) -> PublicityBatch:
    """公示: approved applications listed publicly for the form's working days."""
    if not is_policy_department(acting_user, policy):
        raise PermissionDenied(_("Only the policy's department can publish its results."))
    chosen = list(applications)
    if not chosen:
        raise DomainError(_("Choose the approved applications to publish."))
    for application in chosen:
        if application.policy_id != policy.pk or application.state != S.APPROVED:
            raise DomainError(
                _("%(ref)s is not an approved application of this policy.")
                % {"ref": application.reference}
            )
    form = form_current(policy) or chosen[0].form
    today = clock.today()
    batch = PublicityBatch.objects.create(
        policy=policy,
        number=(policy.publicity_batches.aggregate(n=Max("number"))["n"] or 0) + 1,
        starts_on=today,
        ends_on=add_working_days(today, form.publicity_days),
        published_by=acting_user,
        published_at=clock.now(),
    )
    for application in chosen:
        application_move(
            application=application,
            action="publicize",
            lock_version=application.lock_version,
            acting_user=acting_user,
            changes={"batch": batch, "deadline": batch.ends_on},
        )
    audit_record(actor=acting_user, action=AuditAction.CREATE, target=batch, after=snapshot(batch))
    return batch


@transaction.atomic
def application_disburse(
    *,
    application: Application,
    lock_version: int,
    amount: Decimal,
    paid_on: dt.date,
    acting_user: User,
) -> Application:
    """兑付: after the public notice ended (the workflow's rule, checked first) with no open
    objection about it."""
    WORKFLOW.check(application, "disburse", acting_user)
    if application.objections.filter(state=ObjectionState.OPEN).exists():
        raise DomainError(_("Answer the open objections about this application first."))
    if amount is None or amount < 0:
        raise DomainError(_("Give the amount paid (10,000 CNY, not negative)."))
    if paid_on > clock.today():
        raise DomainError(_("The payment date cannot be in the future."))
    return application_move(
        application=application,
        action="disburse",
        lock_version=lock_version,
        acting_user=acting_user,
        changes={"paid_amount": amount, "paid_on": paid_on, "deadline": None},
    )


MAX_OBJECTION = 5000


@transaction.atomic
def objection_raise(
    *, batch: PublicityBatch, text: str, contact: str, application: Application | None = None
) -> Objection:
    """Anyone may object during the notice; the department is told. The same objection (same
    application, text and contact) while the first is unanswered is refused."""
    text, contact = text.strip(), contact.strip()
    today = clock.today()
    if not batch.starts_on <= today <= batch.ends_on:
        raise DomainError(_("This public notice has ended; objections are no longer taken."))
    if not text:
        raise DomainError(_("Say what the objection is."))
    if len(text) > MAX_OBJECTION:
        raise DomainError(
            _("The objection is longer than %(n)s characters.") % {"n": MAX_OBJECTION}
        )
    if not contact or len(contact) > 100:
        raise DomainError(_("Leave a way to reach you (at most 100 characters)."))
    if application is not None and application.batch_id != batch.pk:
        raise DomainError(_("That application is not in this notice."))
    # The same objection sent twice at once (a double click) is kept once: the look for it runs
    # under the notice's lock (docs/adr/0010-create-once.md).
    lock_until_commit("applications.objection", batch.pk)
    if Objection.objects.filter(
        batch=batch,
        application=application,
        text=text,
        contact=contact,
        state=ObjectionState.OPEN,
    ).exists():
        raise DomainError(
            _("This objection has already been received; the department will answer it.")
        )
    objection = Objection.objects.create(
        batch=batch, application=application, text=text, contact=contact, created_at=clock.now()
    )
    staff = batch.policy.department.staff.filter(is_active=True)
    notification_send(
        recipients=staff,
        kind="applications.objection",
        title=_("An objection to the public notice of %(policy)s") % {"policy": batch.policy.title},
        body=text[:500],
        link=reverse("applications:batch_manage", args=[batch.pk]),
    )
    return objection


@transaction.atomic
def objection_answer(*, objection: Objection, answer: str, acting_user: User) -> Objection:
    if not is_policy_department(acting_user, objection.batch.policy):
        raise PermissionDenied(_("Only the policy's department can answer objections."))
    answer = answer.strip()
    if not answer:
        raise DomainError(_("Write the answer."))
    before = snapshot(objection, ["state", "answer"])
    objection.state = ObjectionState.ANSWERED
    objection.answer = answer[:MAX_OBJECTION]
    objection.answered_at = clock.now()
    objection.save(update_fields=["state", "answer", "answered_at"])
    audit_record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        target=objection,
        before=before,
        after=snapshot(objection, ["state", "answer"]),
    )
    return objection
