"""The applications API: an enterprise system applies through the same services as the web form
(一表申报). Creating is idempotent twice over: the `Idempotency-Key` header replays the first
response, and an enterprise has at most one open application per policy."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from ninja import File, Form, Router, Status, UploadedFile

from jinqi.accounts.http import AuthenticatedRequest
from jinqi.applications import selectors, services
from jinqi.applications.enums import ApplicationState
from jinqi.applications.models import Application
from jinqi.applications.permissions import APPLY
from jinqi.applications.schemas import (
    AnswersIn,
    ApplicationIn,
    ApplicationOut,
    AttachmentOut,
    FormOut,
    LockIn,
)
from jinqi.core.errors import DomainError
from jinqi.core.permissions import declares, ensure_capability
from jinqi.core.schemas import LineText
from jinqi.policies.models import Policy
from jinqi.registry.selectors import enterprise_of

router = Router(tags=["applications"])


def _policy(code: str) -> Policy:
    policy = selectors.policies_taking_applications().filter(code=code).first()
    if policy is None:
        raise DomainError(_("This policy is not taking applications now."))
    return policy


def _out(application: Application) -> dict[str, Any]:
    editable = application.is_editable
    prefilled = (
        {
            k: {"value": v, "source": None, "as_of": None}
            for k, v in services.prefilled_values(application).items()
        }
        if editable and not application.prefilled
        else application.prefilled
    )
    return {
        "reference": application.reference,
        "policy": application.policy.code,
        "form_version": application.form.number,
        "state": application.state,
        "state_label": str(ApplicationState(application.state).label),
        "answers": application.answers,
        "prefilled": prefilled,
        "deadline": application.deadline,
        "lock_version": application.lock_version,
        "submitted_at": application.submitted_at,
        "approved_amount": application.approved_amount,
        "problems": services.submission_problems(application) if editable else {},
        "attachments": [
            AttachmentOut(
                id=a.pk, material=a.material, file_name=a.file.original_name, size=a.file.size
            )
            for a in application.attachments.select_related("file")
        ],
        "transitions": list(
            application.transitions.values("from_state", "to_state", "at", "comment")
        ),
    }


@router.get("/forms/{policy_code}", response=FormOut, openapi_extra=declares(APPLY))
def form(request: AuthenticatedRequest, policy_code: str) -> dict[str, Any]:
    """The current form of a policy: the JSON Schema of the answers, layout hints, and what the
    government already holds for the caller's enterprise (not to be asked again)."""
    ensure_capability(request.user, APPLY)
    policy = _policy(policy_code)
    current = services.form_current(policy)
    if current is None:
        raise DomainError(_("This policy is not taking applications now."))
    enterprise = enterprise_of(request.user)
    prefilled = services.prefill_described(enterprise, current.definition) if enterprise else {}
    return {
        "policy": policy.code,
        "version": current.number,
        "admission": current.admission,
        "answers_schema": current.schema,
        "layout": current.layout,
        "prefilled": prefilled,
    }


@router.get("", response=list[ApplicationOut], openapi_extra=declares(APPLY))
def application_list(request: AuthenticatedRequest) -> list[dict[str, Any]]:
    """The caller's enterprise's applications, newest first."""
    ensure_capability(request.user, APPLY)
    return [_out(a) for a in selectors.applications_visible_to(request.user)[:200]]


@router.post("", response={201: ApplicationOut}, openapi_extra=declares(APPLY))
def application_create(
    request: AuthenticatedRequest, data: ApplicationIn
) -> Status[dict[str, Any]]:
    """Start an application (a draft) with the answers given so far. If the enterprise already
    has one under way for the policy, that one is returned (its answers updated when given)."""
    ensure_capability(request.user, APPLY)
    application = services.application_start(policy=_policy(data.policy), acting_user=request.user)
    if data.answers and application.is_editable:
        application = services.application_answers_save(
            application=application, answers=data.answers, acting_user=request.user
        )
    return Status(201, _out(application))


@router.get("/{reference}", response=ApplicationOut, openapi_extra=declares(APPLY))
def application_detail(request: AuthenticatedRequest, reference: str) -> dict[str, Any]:
    ensure_capability(request.user, APPLY)
    return _out(selectors.application_for(request.user, reference))


@router.put("/{reference}/answers", response=ApplicationOut, openapi_extra=declares(APPLY))
def answers_save(request: AuthenticatedRequest, reference: str, data: AnswersIn) -> dict[str, Any]:
    """Save the answers so far (a draft, or one returned for correction): what is given
    replaces what was saved; completeness is checked on submission (see `problems`)."""
    ensure_capability(request.user, APPLY)
    application = selectors.application_for(request.user, reference)
    return _out(
        services.application_answers_save(
            application=application, answers=data.answers, acting_user=request.user
        )
    )


@router.post(
    "/{reference}/attachments", response={201: AttachmentOut}, openapi_extra=declares(APPLY)
)
def attachment_add(
    request: AuthenticatedRequest,
    reference: str,
    material: Form[LineText],
    file: File[UploadedFile],
) -> Status[AttachmentOut]:
    """Attach a file for one of the form's materials (PDF, JPEG, PNG, XLSX or DOCX, checked by
    content)."""
    ensure_capability(request.user, APPLY)
    application = selectors.application_for(request.user, reference)
    attachment = services.attachment_add(
        application=application, material=material, file=file, acting_user=request.user
    )
    return Status(
        201,
        AttachmentOut(
            id=attachment.pk,
            material=attachment.material,
            file_name=attachment.file.original_name,
            size=attachment.file.size,
        ),
    )


@router.post("/{reference}/submit", response=ApplicationOut, openapi_extra=declares(APPLY))
def submit(request: AuthenticatedRequest, reference: str, data: LockIn) -> dict[str, Any]:
    """Submit with the `lock_version` last read; what is missing is refused with `details`
    (field key → message) and nothing changes."""
    ensure_capability(request.user, APPLY)
    application = selectors.application_for(request.user, reference)
    return _out(
        services.application_submit(
            application=application, lock_version=data.lock_version, acting_user=request.user
        )
    )
