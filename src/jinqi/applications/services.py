"""Writes for applications: forms, the enterprise's draft and submission, review, publicity,
payment and objections.

Every function is atomic, checks who is acting, and writes its audit rows and notices (进度推送)
in the same transaction. State changes go through `application_transition` only: it enforces
the declared workflow and optimistic locking (the caller passes the `lock_version` it saw).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils.translation import gettext as _

from jinqi.accounts.selectors import enterprise_users
from jinqi.applications import workflow
from jinqi.applications.definition import (
    Definition,
    answer_problems,
    answers_cleaned,
    definition_problems,
    json_schema,
    layout,
)
from jinqi.applications.enums import Admission, ApplicationState, ObjectionState, Reviewer
from jinqi.applications.models import (
    OPEN_STATES,
    Application,
    ApplicationForm,
    ApplicationTransition,
    Attachment,
    Objection,
    PublicityBatch,
)
from jinqi.applications.permissions import (
    SUPERVISE,
    is_applicant,
    is_policy_department,
)
from jinqi.audit.enums import AuditAction
from jinqi.audit.services import audit_record, snapshot
from jinqi.core import clock
from jinqi.core.calendar import add_working_days
from jinqi.core.errors import DomainError, PermissionDenied
from jinqi.core.locking import lock_until_commit, update_unless_changed
from jinqi.core.permissions import has_capability
from jinqi.core.uploads import upload_store
from jinqi.notifications.services import notification_send, sms_send
from jinqi.policies.enums import Delivery, Outcome
from jinqi.policies.models import Policy
from jinqi.policies.selectors import verdict_for
from jinqi.registry.models import Enterprise
from jinqi.registry.selectors import SourcedValue, enterprise_of, profile_with_sources
from jinqi.registry.vocabulary import FIELDS

S = ApplicationState
MATERIAL_PURPOSE = "applications.material"
MAX_ANSWERS_BYTES = 256 * 1024


# -- forms -----------------------------------------------------------------------------------


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
    acting_user: Any,
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


# -- guidance and prefill ----------------------------------------------------------------------


@dataclass(frozen=True)
class Guidance:
    """智能引导: what the rule says for this enterprise, and whether it may go on to the form."""

    outcome: str
    may_apply: bool
    reason: str


def guidance(enterprise: Enterprise, policy: Policy, form: ApplicationForm | None) -> Guidance:
    today = clock.today()
    verdict = verdict_for(enterprise, policy, today)
    if form is None or not form.is_open:
        return Guidance(verdict.outcome, False, _("This policy is not taking applications now."))
    if not (
        policy.valid_from <= today and (policy.valid_until is None or today <= policy.valid_until)
    ):
        return Guidance(verdict.outcome, False, _("This policy is not in force today."))
    admitted: set[str] = {
        Admission.ELIGIBLE: {Outcome.ELIGIBLE.value},
        Admission.ELIGIBLE_OR_UNKNOWN: {Outcome.ELIGIBLE.value, Outcome.UNKNOWN.value},
        Admission.ANYONE: set(Outcome.values),
    }[Admission(form.admission)]
    if verdict.outcome in admitted:
        return Guidance(verdict.outcome, True, "")
    return Guidance(
        verdict.outcome,
        False,
        _(
            "The eligibility check finds that your enterprise does not qualify; the department "
            "accepts applications only from enterprises that do."
        ),
    )


def prefill(enterprise: Enterprise, definition: Definition) -> dict[str, SourcedValue]:
    """Registry values for the form's prefilled fields (零材料); missing ones are asked."""
    held = profile_with_sources(enterprise)
    return {f.key: held[f.prefill] for f in definition.fields if f.prefill and f.prefill in held}


def prefill_described(enterprise: Enterprise, definition: Definition) -> dict[str, Any]:
    """The prefilled values as JSON: key → {value, source, as_of} (what a submission keeps)."""
    return {
        key: {
            "value": json_value(held.value),
            "source": held.source,
            "as_of": held.as_of.isoformat() if held.as_of else None,
        }
        for key, held in prefill(enterprise, definition).items()
    }


def prefill_for(application: Application) -> dict[str, SourcedValue]:
    return prefill(application.enterprise, application.form.definition)


def json_value(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def prefilled_values(application: Application) -> dict[str, Any]:
    """The values the registry supplies, in the answers' JSON types; the snapshot once
    submitted (a reviewer sees what the enterprise saw)."""
    if application.state != S.DRAFT and application.prefilled:
        return {k: v["value"] for k, v in application.prefilled.items()}
    return {k: json_value(v.value) for k, v in prefill_for(application).items()}


# -- the enterprise's side ---------------------------------------------------------------------


def _reference_for(application: Application) -> str:
    return f"SQ{application.created_at:%Y}-{application.pk:06d}"


@transaction.atomic
def application_start(*, policy: Policy, acting_user: Any) -> Application:
    """Start a draft, or return the enterprise's application for this policy already under way
    (a double click or a retry never makes two)."""
    enterprise = enterprise_of(acting_user)
    if enterprise is None:
        raise PermissionDenied(_("Only an enterprise with a registry record can apply."))
    existing = Application.objects.filter(
        policy=policy, enterprise=enterprise, state__in=OPEN_STATES
    ).first()
    if existing is not None:
        return existing
    form = form_current(policy)
    advice = guidance(enterprise, policy, form)
    if not advice.may_apply or form is None:
        raise DomainError(advice.reason)
    now = clock.now()
    try:
        with transaction.atomic():
            application = Application.objects.create(
                reference=uuid.uuid4().hex[:20],
                policy=policy,
                form=form,
                enterprise=enterprise,
                applicant=acting_user,
                created_at=now,
                updated_at=now,
            )
    except IntegrityError:  # a concurrent start by the same enterprise won
        return Application.objects.get(policy=policy, enterprise=enterprise, state__in=OPEN_STATES)
    application.reference = _reference_for(application)
    application.save(update_fields=["reference"])
    audit_record(
        actor=acting_user,
        action=AuditAction.CREATE,
        target=application,
        after=snapshot(application, ["reference", "policy_id", "enterprise_id", "form_id"]),
    )
    return application


def _check_applicant(application: Application, user: Any) -> None:
    if not is_applicant(user, application):
        raise PermissionDenied(_("Only the applying enterprise can do this."))


def _check_editable(application: Application) -> None:
    if not application.is_editable:
        raise DomainError(
            _("The application is %(state)s and can no longer be changed.")
            % {"state": ApplicationState(application.state).label}
        )


@transaction.atomic
def application_answers_save(
    *, application: Application, answers: Mapping[str, Any], acting_user: Any
) -> Application:
    """Save what the enterprise typed so far (auto-save): kept even if incomplete; only keys the
    form asks are kept. Completeness is checked at submission."""
    _check_applicant(application, acting_user)
    _check_editable(application)
    if not isinstance(answers, Mapping):
        raise DomainError(_("The answers must be an object of field → value."))
    known = {f.key for f in application.form.definition.fields}
    unknown = sorted(set(answers) - known)
    if unknown:
        raise DomainError(
            _("The form has no field %(keys)s.") % {"keys": ", ".join(unknown)}, details=unknown
        )
    kept = {k: v for k, v in answers.items() if v not in (None, "")}
    if len(json.dumps(kept, ensure_ascii=False).encode()) > MAX_ANSWERS_BYTES:
        raise DomainError(
            _("The answers are larger than %(kb)s KB; shorten the longest texts.")
            % {"kb": MAX_ANSWERS_BYTES // 1024}
        )
    Application.objects.filter(pk=application.pk).update(answers=kept, updated_at=clock.now())
    application.refresh_from_db()
    return application


@transaction.atomic
def attachment_add(
    *, application: Application, material: str, file: UploadedFile, acting_user: Any
) -> Attachment:
    _check_applicant(application, acting_user)
    _check_editable(application)
    keys = {m.key for m in application.form.definition.materials if not m.held_by}
    if material not in keys:
        raise DomainError(_("This form asks for no material %(key)s.") % {"key": material})
    stored = upload_store(file=file, purpose_key=MATERIAL_PURPOSE, acting_user=acting_user)
    attachment = Attachment.objects.create(
        application=application, material=material, file=stored, created_at=clock.now()
    )
    audit_record(
        actor=acting_user,
        action=AuditAction.CREATE,
        target=attachment,
        after={"material": material, "file": stored.original_name, "sha256": stored.sha256},
    )
    return attachment


@transaction.atomic
def attachment_remove(*, attachment: Attachment, acting_user: Any) -> None:
    application = attachment.application
    _check_applicant(application, acting_user)
    _check_editable(application)
    audit_record(
        actor=acting_user,
        action=AuditAction.DELETE,
        target=attachment,
        before={"material": attachment.material, "file": attachment.file.original_name},
    )
    attachment.delete()  # the stored file stays (PROTECT): the audit trail can name it


def submission_problems(application: Application) -> dict[str, str]:
    """Key → what is missing or wrong before the application can be submitted."""
    definition = application.form.definition
    problems = answer_problems(
        definition, application.form.schema, application.answers, prefilled_values(application)
    )
    given = set(application.attachments.values_list("material", flat=True))
    for material in definition.materials:
        if material.required and not material.held_by and material.key not in given:
            problems[f"material:{material.key}"] = _("Upload %(material)s.") % {
                "material": material.label
            }
    return problems


@transaction.atomic
def application_submit(
    *, application: Application, lock_version: int, acting_user: Any
) -> Application:
    _check_applicant(application, acting_user)
    problems = submission_problems(application)
    if problems:
        raise DomainError(
            _("The application is not complete: %(problems)s")
            % {"problems": " ".join(problems.values())},
            details=problems,
        )
    prefilled = prefill_described(application.enterprise, application.form.definition)
    answers = answers_cleaned(
        application.form.definition,
        application.answers,
        {k: v["value"] for k, v in prefilled.items()},
    )
    return application_transition(
        application=application,
        target=S.SUBMITTED,
        lock_version=lock_version,
        acting_user=acting_user,
        changes={
            "answers": answers,
            "prefilled": prefilled,
            "submitted_at": clock.now(),
            "deadline": add_working_days(clock.today(), application.form.acceptance_days),
        },
    )


@transaction.atomic
def application_withdraw(
    *, application: Application, lock_version: int, acting_user: Any, comment: str = ""
) -> Application:
    return application_transition(
        application=application,
        target=S.WITHDRAWN,
        lock_version=lock_version,
        acting_user=acting_user,
        comment=comment,
        changes={"deadline": None},
    )


# -- the department's side ---------------------------------------------------------------------


@transaction.atomic
def application_return(
    *, application: Application, lock_version: int, comment: str, acting_user: Any
) -> Application:
    """补正: back to the enterprise with what to correct, due in the form's working days."""
    return application_transition(
        application=application,
        target=S.RETURNED,
        lock_version=lock_version,
        acting_user=acting_user,
        comment=comment,
        changes={"deadline": add_working_days(clock.today(), application.form.correction_days)},
    )


@transaction.atomic
def application_accept(
    *, application: Application, lock_version: int, acting_user: Any, comment: str = ""
) -> Application:
    """受理: the first review step begins."""
    first = application.form.definition.steps[0]
    return application_transition(
        application=application,
        target=S.IN_REVIEW,
        lock_version=lock_version,
        acting_user=acting_user,
        comment=comment,
        changes={"step": 0, "deadline": add_working_days(clock.today(), first.days)},
    )


@transaction.atomic
def application_review_pass(
    *,
    application: Application,
    lock_version: int,
    acting_user: Any,
    comment: str = "",
    approved_amount: Decimal | None = None,
) -> Application:
    """The current review step agrees: the next step begins, or after the last the application
    is approved (with the amount, if the policy pays one)."""
    steps = application.form.definition.steps
    if application.step + 1 < len(steps):
        following = steps[application.step + 1]
        return application_transition(
            application=application,
            target=S.IN_REVIEW,
            lock_version=lock_version,
            acting_user=acting_user,
            comment=comment,
            changes={
                "step": application.step + 1,
                "deadline": add_working_days(clock.today(), following.days),
            },
        )
    amount = approved_amount if approved_amount is not None else application.policy.grant_amount
    if amount is not None and amount < 0:
        raise DomainError(_("The approved amount cannot be negative."))
    return application_transition(
        application=application,
        target=S.APPROVED,
        lock_version=lock_version,
        acting_user=acting_user,
        comment=comment,
        changes={"approved_amount": amount, "deadline": None},
    )


@transaction.atomic
def application_reject(
    *, application: Application, lock_version: int, reason: str, acting_user: Any
) -> Application:
    """Rejected, with the reason: before acceptance (不予受理), in review, or an objection
    upheld during publicity."""
    return application_transition(
        application=application,
        target=S.REJECTED,
        lock_version=lock_version,
        acting_user=acting_user,
        comment=reason,
        changes={"deadline": None},
    )


@transaction.atomic
def applications_publicise(
    *, policy: Policy, applications: Sequence[Application], acting_user: Any
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
        application_transition(
            application=application,
            target=S.PUBLICITY,
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
    acting_user: Any,
) -> Application:
    """兑付: after the public notice ended with no open objection about it."""
    batch = application.batch
    if application.state == S.PUBLICITY and batch is not None:
        if clock.today() <= batch.ends_on:
            raise DomainError(
                _("The public notice runs until %(day)s; pay after it ends.")
                % {"day": batch.ends_on.isoformat()}
            )
        if application.objections.filter(state=ObjectionState.OPEN).exists():
            raise DomainError(_("Answer the open objections about this application first."))
    if amount is None or amount < 0:
        raise DomainError(_("Give the amount paid (10,000 CNY, not negative)."))
    if paid_on > clock.today():
        raise DomainError(_("The payment date cannot be in the future."))
    return application_transition(
        application=application,
        target=S.DISBURSED,
        lock_version=lock_version,
        acting_user=acting_user,
        changes={"paid_amount": amount, "paid_on": paid_on, "deadline": None},
    )


# -- objections --------------------------------------------------------------------------------

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
def objection_answer(*, objection: Objection, answer: str, acting_user: Any) -> Objection:
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


# -- the one way to change state ---------------------------------------------------------------


def _check_actor(application: Application, actor: workflow.Actor, user: Any) -> None:
    if actor is workflow.Actor.APPLICANT:
        _check_applicant(application, user)
        return
    if actor is workflow.Actor.REVIEWER:
        step = application.form.definition.steps[application.step]
        if step.reviewer == Reviewer.LEAD_OFFICE:
            if not has_capability(user, SUPERVISE):
                raise PermissionDenied(_("This review step is the lead office's."))
            return
    if not is_policy_department(user, application.policy):
        raise PermissionDenied(_("Only the policy's department can do this."))


def application_transition(
    *,
    application: Application,
    target: str,
    lock_version: int,
    acting_user: Any,
    comment: str = "",
    changes: Mapping[str, Any] | None = None,
) -> Application:
    """Move an application along the declared workflow, with optimistic locking, a log row, an
    audit row and a notice to the enterprise. Callers are atomic."""
    source = application.state
    application_step_before = application.step
    actor = workflow.actor_for(source, target)
    if actor is None:
        raise DomainError(
            _("An application cannot go from %(source)s to %(target)s.")
            % {"source": S(source).label, "target": S(target).label}
        )
    _check_actor(application, actor, acting_user)
    comment = comment.strip()
    if (source, target) in workflow.NEEDS_COMMENT and not comment:
        raise DomainError(_("Give the reason; the enterprise is told."))
    now = clock.now()
    changes = dict(changes or {})
    update_unless_changed(
        Application,
        application.pk,
        lock_version,
        _("Someone else acted on this application first; reload it to see what changed."),
        state=target,
        updated_at=now,
        **changes,
    )
    transition = ApplicationTransition.objects.create(
        application=application,
        from_state=source,
        to_state=target,
        step=changes.get("step", application.step) if target == S.IN_REVIEW else None,
        actor=acting_user,
        comment=comment[:5000],
        at=now,
    )
    application.refresh_from_db()
    audited = ["state", *(k for k in changes if k not in ("answers", "prefilled"))]
    audit_record(
        actor=acting_user,
        action=AuditAction.TRANSITION,
        target=application,
        before={"state": source, "step": application_step_before},
        after=snapshot(application, audited),
        note=comment[:300],
    )
    _notify(application, transition)
    return application


def _notify(application: Application, transition: ApplicationTransition) -> None:
    """进度推送: inbox and e-mail to the enterprise's users, SMS to its contact phone."""
    state = S(application.state).label
    title = _("%(ref)s %(policy)s: %(state)s") % {
        "ref": application.reference,
        "policy": application.policy.title,
        "state": state,
    }
    body = transition.comment
    if application.deadline and application.state == S.RETURNED:
        body = _("%(comment)s Please correct it by %(day)s.") % {
            "comment": transition.comment,
            "day": application.deadline.isoformat(),
        }
    notification_send(
        recipients=enterprise_users([application.enterprise.uscc]),
        kind="applications.progress",
        title=title,
        body=body,
        link=reverse("applications:detail", args=[application.reference]),
        dedup_key=f"application:{transition.pk}",
    )
    phone = application.enterprise.contact_phone
    if phone:
        sms_send(phone=phone, text=f"【金企】{title}")


# -- retention ---------------------------------------------------------------------------------

STALE_AFTER = dt.timedelta(days=30)


def drafts_remind_stale() -> int:
    """Remind the owners of drafts untouched for a month. Nothing is ever deleted
    automatically: a draft stays until its enterprise submits or withdraws it."""
    cutoff = clock.now() - STALE_AFTER
    reminded = 0
    for application in Application.objects.filter(
        state=S.DRAFT, updated_at__lt=cutoff
    ).select_related("policy", "enterprise"):
        sent = notification_send(
            recipients=enterprise_users([application.enterprise.uscc]),
            kind="applications.draft_kept",
            title=_("Your draft application %(ref)s for %(policy)s is kept")
            % {"ref": application.reference, "policy": application.policy.title},
            body=_("It has not changed for a month. It stays until you submit or withdraw it."),
            link=reverse("applications:detail", args=[application.reference]),
            dedup_key=f"draft-stale:{application.pk}:{application.updated_at:%Y%m%d}",
        )
        reminded += bool(sent)
    return reminded
