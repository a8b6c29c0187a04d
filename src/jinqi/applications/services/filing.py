"""Writes of the enterprise's side: start a draft, save its answers and attachments as it
goes, submit it (or submit the correction), withdraw it."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from jinqi.accounts.models import User
from jinqi.applications.definition import answer_problems, answers_cleaned
from jinqi.applications.enums import ApplicationState
from jinqi.applications.models import OPEN_STATES, Application, Attachment
from jinqi.applications.services.forms import form_current
from jinqi.applications.services.guidance import guidance, prefill_described, prefilled_values
from jinqi.applications.services.moves import application_move
from jinqi.applications.workflow import Actor, authorize
from jinqi.audit.enums import AuditAction
from jinqi.audit.services import audit_record, snapshot
from jinqi.core import clock
from jinqi.core.calendar import add_working_days
from jinqi.core.errors import DomainError, PermissionDenied
from jinqi.core.uploads import upload_store
from jinqi.policies.models import Policy
from jinqi.registry.selectors import enterprise_of

MATERIAL_PURPOSE = "applications.material"
MAX_ANSWERS_BYTES = 256 * 1024


def _reference_for(application: Application) -> str:
    return f"SQ{application.created_at:%Y}-{application.pk:06d}"


@transaction.atomic
def application_start(*, policy: Policy, acting_user: User) -> Application:
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
    authorize(application, Actor.APPLICANT, user)


def _check_editable(application: Application) -> None:
    if not application.is_editable:
        raise DomainError(
            _("The application is %(state)s and can no longer be changed.")
            % {"state": ApplicationState(application.state).label}
        )


@transaction.atomic
def application_answers_save(
    *, application: Application, answers: Mapping[str, Any], acting_user: User
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
    *, application: Application, material: str, file: UploadedFile, acting_user: User
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
def attachment_remove(*, attachment: Attachment, acting_user: User) -> None:
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
    *, application: Application, lock_version: int, acting_user: User
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
    return application_move(
        application=application,
        action="submit",
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
    *, application: Application, lock_version: int, acting_user: User, comment: str = ""
) -> Application:
    return application_move(
        application=application,
        action="withdraw",
        lock_version=lock_version,
        acting_user=acting_user,
        text=comment,
        changes={"deadline": None},
    )
