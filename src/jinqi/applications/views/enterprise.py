"""The enterprise's side (一表申报): its applications, the guidance before a form (智能引导), the
form itself with the data the government already holds (零材料), auto-save, uploads, submission
and withdrawal."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jinqi.accounts.http import AuthenticatedRequest
from jinqi.accounts.models import Department
from jinqi.applications import selectors, services
from jinqi.applications.definition import Definition, FormField, coerce, visible_fields
from jinqi.applications.enums import ApplicationState, FieldKind
from jinqi.applications.forms import AttachmentForm
from jinqi.applications.models import OPEN_STATES, Application
from jinqi.applications.permissions import APPLY
from jinqi.applications.workflow import WORKFLOW
from jinqi.core import clock
from jinqi.core.errors import DomainError
from jinqi.core.pagecache import cached_page
from jinqi.core.permissions import requires
from jinqi.core.text import TextRefusedError, text_clean
from jinqi.policies.models import Policy
from jinqi.policies.selectors import verdict_for
from jinqi.registry.models import Enterprise
from jinqi.registry.selectors import enterprise_of
from jinqi.registry.vocabulary import BY_KEY
from jinqi.web.actions import perform

PAGE_SIZE = 20
# A correction deadline this close (calendar days) is highlighted before it passes.
DEADLINE_NEAR = dt.timedelta(days=3)
S = ApplicationState


# -- what the pages show ----------------------------------------------------------------------


@dataclass(frozen=True)
class HeldValue:
    """A value the government already holds (零材料), with where it comes from."""

    label: str
    value: Any
    unit: str
    source: str
    as_of: Any


@dataclass(frozen=True)
class FieldView:
    """One asked field as the form shows it."""

    spec: FormField
    raw: str  # what the input holds: the typed text, even when it is not valid
    error: str
    hidden: bool
    show_when_field: str = ""
    show_when_value: str = ""

    @property
    def input_type(self) -> str:
        return "date" if self.spec.kind == FieldKind.DATE else "text"

    @property
    def input_mode(self) -> str:
        return {FieldKind.INTEGER: "numeric", FieldKind.NUMBER: "decimal"}.get(
            FieldKind(self.spec.kind), ""
        )


@dataclass(frozen=True)
class MaterialView:
    key: str
    label: str
    required: bool
    holder: str = ""  # the department that supplies it; "" when the enterprise uploads it
    attachments: list[Any] = field(default_factory=list)
    error: str = ""


def _raw(value: Any) -> str:
    """An answer back into the text of its input."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _department_names(codes: set[str]) -> dict[str, str]:
    return dict(Department.objects.filter(code__in=codes).values_list("code", "name"))


def _held_now(definition: Definition, enterprise: Enterprise) -> dict[str, HeldValue]:
    """Field key → the registry's current value for each prefilled field it holds."""
    labels = {f.key: f.label for f in definition.fields}
    return {
        key: HeldValue(labels[key], value.value, value.field.unit, value.source, value.as_of)
        for key, value in services.prefill(enterprise, definition).items()
    }


def _held_for(application: Application) -> dict[str, HeldValue]:
    """What the form takes from the registry: live for a draft, the snapshot once submitted."""
    definition = application.form.definition
    if application.state == S.DRAFT or not application.prefilled:
        return _held_now(definition, application.enterprise)
    specs = {f.key: f for f in definition.fields}
    rows = {}
    for key, item in application.prefilled.items():
        spec = specs.get(key)
        profile_field = BY_KEY.get(spec.prefill) if spec else None
        rows[key] = HeldValue(
            spec.label if spec else key,
            item.get("value"),
            profile_field.unit if profile_field else "",
            item.get("source", ""),
            dt.date.fromisoformat(str(item["as_of"])[:10]) if item.get("as_of") else None,
        )
    return rows


def _materials(
    definition: Definition, application: Application | None, problems: Mapping[str, str]
) -> tuple[list[MaterialView], list[MaterialView]]:
    """(fetched from departments, uploaded by the enterprise)."""
    names = _department_names({m.held_by for m in definition.materials if m.held_by})
    attached: dict[str, list[Any]] = {}
    if application is not None:
        for attachment in application.attachments.select_related("file"):
            attached.setdefault(attachment.material, []).append(attachment)
    fetched, uploaded = [], []
    for m in definition.materials:
        if m.held_by:
            fetched.append(
                MaterialView(m.key, m.label, m.required, holder=names.get(m.held_by, m.held_by))
            )
        else:
            uploaded.append(
                MaterialView(
                    m.key,
                    m.label,
                    m.required,
                    attachments=attached.get(m.key, []),
                    error=problems.get(f"material:{m.key}", ""),
                )
            )
    return fetched, uploaded


def _field_views(
    definition: Definition,
    answers: Mapping[str, Any],
    held: Mapping[str, Any],
    problems: Mapping[str, str],
) -> list[FieldView]:
    values = {**answers, **{k: v.value for k, v in held.items()}}
    shown = {f.key for f in visible_fields(definition, values)}
    return [
        FieldView(
            spec=f,
            raw=_raw(answers.get(f.key)),
            error=problems.get(f.key, ""),
            hidden=f.key not in shown,
            show_when_field=f.show_when.field if f.show_when else "",
            show_when_value=_raw(f.show_when.equals) if f.show_when else "",
        )
        for f in definition.fields
        if f.key not in held
    ]


def _answers_from(
    application: Application, posted: Mapping[str, str], *, all_fields: bool
) -> tuple[dict[str, Any], dict[str, str]]:
    """Typed texts → the answers' JSON values, and field key → why a text is not valid (the
    text itself is kept, so nothing typed is lost). Keys the form does not ask are passed on
    for the service to refuse; prefilled ones are not the enterprise's to give."""
    definition = application.form.definition
    held = set(_held_for(application))
    asked = {f.key: f for f in definition.fields if f.key not in held}
    prefilled = {f.key for f in definition.fields if f.key in held}
    texts = {k: posted.get(k, "") for k in asked} if all_fields else dict(posted)
    answers: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for key, typed in texts.items():
        if key in prefilled:
            continue
        spec = asked.get(key)
        try:
            text = text_clean(typed, multiline=spec is None or spec.kind == FieldKind.TEXTAREA)
        except TextRefusedError as refused:
            problems[key] = refused.message  # not passed on: what is refused is not stored
            continue
        if spec is None:
            answers[key] = text
            continue
        value, problem = coerce(spec, text)
        answers[key] = value
        if problem:
            problems[key] = problem
    return answers, problems


def _refused(answers: Mapping[str, Any], problems: Mapping[str, str]) -> dict[str, str]:
    """The problems of texts the boundary refused (`_answers_from` leaves those out)."""
    return {key: message for key, message in problems.items() if key not in answers}


def _lock_version(request: AuthenticatedRequest) -> int:
    try:
        return int(request.POST.get("lock_version", ""))
    except ValueError:
        return -1  # a stale or forged form: the service answers that someone acted first


def _detail_page(
    request: AuthenticatedRequest,
    application: Application,
    *,
    problems: Mapping[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    problems = problems or {}
    definition = application.form.definition
    held = _held_for(application)
    fetched, uploaded = _materials(definition, application, problems)
    values = {**application.answers, **{k: v.value for k, v in held.items()}}
    returned = (
        application.transitions.filter(to_state=S.RETURNED).last()
        if application.state == S.RETURNED
        else None
    )
    today = clock.today()
    labels = {f.key: f.label for f in definition.fields}
    return render(
        request,
        "applications/detail.html",
        {
            "application": application,
            "policy": application.policy,
            "computed": selectors.application_amount(application),
            "held": list(held.values()),
            "fields": _field_views(definition, application.answers, held, problems),
            "answered": [
                (f.label, application.answers[f.key])
                for f in visible_fields(definition, values)
                if f.key in application.answers and f.key not in held
            ],
            "fetched": fetched,
            "uploaded": uploaded,
            "problems": [(labels.get(k, ""), message) for k, message in problems.items()],
            "returned": returned,
            "deadline_past": application.deadline is not None and application.deadline < today,
            "transitions": application.transitions.select_related("actor__department"),
            "may_withdraw": application.state in WORKFLOW.transition("withdraw").sources,
            "max_upload": settings.APPLICATION_UPLOAD_MAX_BYTES,
            "accept": ".pdf,.jpg,.jpeg,.png,.xlsx,.docx",
        },
        status=status,
    )


# -- the pages ------------------------------------------------------------------------------------


@requires(APPLY)
@cached_page
def mine(request: AuthenticatedRequest) -> HttpResponse:
    enterprise = enterprise_of(request.user)
    if enterprise is None:
        return render(
            request, "applications/no_record.html", {"uscc": request.user.enterprise_uscc}
        )
    today = clock.today()
    applications = selectors.applications_visible_to(request.user).order_by("-updated_at", "-pk")
    return render(
        request,
        "applications/mine.html",
        {
            "enterprise": enterprise,
            "page_obj": Paginator(applications, PAGE_SIZE).get_page(request.GET.get("page")),
            "policies": selectors.policies_taking_applications()
            .filter(pk__in=Policy.objects.live(today))
            .order_by("title"),
            "today": today,
            "soon": today + DEADLINE_NEAR,
            "returned": S.RETURNED,
        },
    )


@requires(APPLY)
def guide(request: AuthenticatedRequest, code: str) -> HttpResponse:
    policy = selectors.policies_taking_applications().filter(code=code).first()
    if policy is None:
        raise Http404
    enterprise = enterprise_of(request.user)
    if enterprise is None:
        return render(
            request, "applications/no_record.html", {"uscc": request.user.enterprise_uscc}
        )
    if request.method == "POST":
        application = perform(
            request,
            lambda: services.application_start(policy=policy, acting_user=request.user),
            lambda started: (
                _("Application %(ref)s: fill in the form; it is saved as you type.")
                % {"ref": started.reference}
            ),
        )
        if application is None:
            return redirect("applications:guide", code=policy.code)
        return redirect("applications:detail", reference=application.reference)
    form = services.form_current(policy)
    definition = form.definition if form is not None else Definition()
    held = _held_now(definition, enterprise)
    fetched, uploaded = _materials(definition, None, {})
    return render(
        request,
        "applications/guide.html",
        {
            "policy": policy,
            "enterprise": enterprise,
            "advice": services.guidance(enterprise, policy, form),
            "verdict": verdict_for(enterprise, policy, clock.today()),
            "held": list(held.values()),
            "asked": [f for f in definition.fields if f.key not in held],
            "fetched": fetched,
            "uploaded": uploaded,
            "open": selectors.applications_visible_to(request.user)
            .filter(policy=policy, state__in=OPEN_STATES)
            .first(),
        },
    )


@requires(APPLY)
def detail(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    return _detail_page(request, selectors.application_for(request.user, reference))


@requires(APPLY)
@require_POST
def autosave(request: AuthenticatedRequest, reference: str) -> JsonResponse:
    """The answers as typed so far, as JSON in the `answers` form field (a form field, not a
    JSON body, so that `navigator.sendBeacon` can carry the CSRF token beside it)."""
    application = selectors.application_for(request.user, reference)
    try:
        posted = json.loads(request.POST.get("answers", ""))
    except ValueError:
        posted = None
    if not isinstance(posted, dict) or not all(isinstance(v, str) for v in posted.values()):
        return JsonResponse({"error": _("The answers could not be read.")}, status=400)
    answers, problems = _answers_from(application, posted, all_fields=False)
    refused = _refused(answers, problems)
    if refused:
        return JsonResponse(
            {"error": next(iter(refused.values())), "problems": refused}, status=400
        )
    try:
        application = services.application_answers_save(
            application=application, answers=answers, acting_user=request.user
        )
    except DomainError as error:
        return JsonResponse({"error": error.message}, status=400)
    saved_at = timezone.localtime(application.updated_at).isoformat(timespec="seconds")
    return JsonResponse({"saved_at": saved_at, "problems": problems})


@requires(APPLY)
@require_POST
def attachment_add(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    application = selectors.application_for(request.user, reference)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    else:
        perform(
            request,
            lambda: services.attachment_add(
                application=application,
                material=form.cleaned_data["material"],
                file=form.cleaned_data["file"],
                acting_user=request.user,
            ),
            lambda added: _("%(file)s is attached.") % {"file": added.file.original_name},
        )
    return redirect("applications:detail", reference=application.reference)


@requires(APPLY)
@require_POST
def attachment_remove(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    attachment = selectors.attachment_for(request.user, pk)
    name = attachment.file.original_name
    perform(
        request,
        lambda: services.attachment_remove(attachment=attachment, acting_user=request.user),
        lambda _none: _("%(file)s is removed.") % {"file": name},
    )
    return redirect("applications:detail", reference=attachment.application.reference)


@requires(APPLY)
@require_POST
def submit(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    """Save the answers as posted, then submit; problems are shown next to their fields."""
    application = selectors.application_for(request.user, reference)
    answers, typing = _answers_from(application, request.POST, all_fields=True)
    if _refused(answers, typing):  # nothing is saved
        return _detail_page(request, application, problems=typing, status=400)
    try:
        application = services.application_answers_save(
            application=application, answers=answers, acting_user=request.user
        )
        services.application_submit(
            application=application,
            lock_version=_lock_version(request),
            acting_user=request.user,
        )
    except DomainError as error:
        details = error.details if isinstance(error.details, dict) else {}
        if not details:
            messages.error(request, error.message)
            return redirect("applications:detail", reference=application.reference)
        application.refresh_from_db()
        return _detail_page(request, application, problems={**details, **typing}, status=400)
    messages.success(
        request,
        _("Submitted. The department is told and answers within its time limit."),
    )
    return redirect("applications:detail", reference=application.reference)


@requires(APPLY)
@require_POST
def withdraw(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    application = selectors.application_for(request.user, reference)
    perform(
        request,
        lambda: services.application_withdraw(
            application=application,
            lock_version=_lock_version(request),
            acting_user=request.user,
            comment=text_clean(request.POST.get("comment", ""), multiline=True),
        ),
        lambda _withdrawn: _("The application is withdrawn."),
    )
    return redirect("applications:detail", reference=application.reference)
