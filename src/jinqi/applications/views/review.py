"""The department's workbench (and the lead office's review steps): the queue with its batch
actions and export, an application's review page, the form editor and the publicity batches."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jinqi.accounts.http import AuthenticatedRequest
from jinqi.accounts.models import Department
from jinqi.applications import selectors, services
from jinqi.applications.definition import visible_fields
from jinqi.applications.enums import ApplicationState, ObjectionState, Reviewer
from jinqi.applications.form_editor import Editor
from jinqi.applications.models import Application
from jinqi.applications.permissions import REVIEW, WORKBENCH, is_policy_department
from jinqi.applications.workbench_forms import (
    ActForm,
    BatchActionForm,
    ObjectionAnswerForm,
    QueueFilterForm,
    ReviewAction,
)
from jinqi.applications.workflow import WORKFLOW
from jinqi.core import clock
from jinqi.core.calendar import add_working_days
from jinqi.core.errors import ConflictError, DomainError
from jinqi.core.pagecache import cached_page
from jinqi.core.permissions import has_capability, requires
from jinqi.registry.masking import mask_contact
from jinqi.web.actions import form_refused, perform
from jinqi.web.spreadsheets import xlsx_response

S = ApplicationState
PAGE_SIZE = 25


# -- the queue ------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueRow:
    application: Application
    step: str  # the current review step's label, while in review
    days_left: int | None
    overdue: bool

    @property
    def late(self) -> int:
        """Working days past the deadline."""
        return -self.days_left if self.days_left is not None and self.days_left < 0 else 0


def _step_label(application: Application) -> str:
    if application.state != S.IN_REVIEW:
        return ""
    steps = application.form.definition.steps
    return steps[min(application.step, len(steps) - 1)].label


def _rows(applications: list[Application]) -> list[QueueRow]:
    left = selectors.working_days_left(applications)
    return [
        QueueRow(a, _step_label(a), left.get(a.pk), selectors.is_overdue(a)) for a in applications
    ]


def _queue_form(request: AuthenticatedRequest) -> QueueFilterForm:
    return QueueFilterForm(request.GET, policies=selectors.queue_policies(request.user))


@requires(WORKBENCH)
@cached_page
def queue(request: AuthenticatedRequest) -> HttpResponse:
    form = _queue_form(request)
    page = Paginator(selectors.review_queue(request.user, form.filters()), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "applications/review/queue.html",
        {
            "form": form,
            "page_obj": page,
            "rows": _rows(list(page.object_list)),
            "query": request.GET.urlencode(),
            "can_review": has_capability(request.user, REVIEW),
        },
    )


@requires(WORKBENCH)
def queue_xlsx(request: AuthenticatedRequest) -> HttpResponse:
    applications = list(selectors.review_queue(request.user, _queue_form(request).filters()))
    header = [
        _("Reference"),
        _("Enterprise"),
        _("Unified social credit code"),
        _("Policy"),
        _("State"),
        _("Current step"),
        _("Due by"),
        _("Working days left"),
        _("Submitted at"),
    ]
    rows = (
        [
            row.application.reference,
            row.application.enterprise.name,
            row.application.enterprise.uscc,
            row.application.policy.title,
            str(S(row.application.state).label),
            row.step,
            row.application.deadline,
            row.days_left,
            localtime(row.application.submitted_at).replace(tzinfo=None)
            if row.application.submitted_at
            else None,
        ]
        for row in _rows(applications)
    )
    return xlsx_response("applications.xlsx", _("Applications"), header, rows)


@requires(WORKBENCH)
@require_POST
def batch_action(request: AuthenticatedRequest) -> HttpResponse:
    form = BatchActionForm(request.POST)
    back = redirect(f"{reverse('applications:queue')}?{request.POST.get('query', '')}")
    if not form.is_valid() or not form.chosen():
        messages.error(request, _("Choose the applications first."))
        return back
    chosen = form.chosen()
    found = {
        a.reference: a
        for a in selectors.applications_visible_to(request.user).filter(reference__in=chosen)
    }
    failed: list[str] = []
    done = 0
    stale = _("Someone else acted on this application first; reload it to see what changed.")
    if form.cleaned_data["action"] == BatchActionForm.ACCEPT:
        for reference, version in chosen.items():
            application = found.get(reference)
            if application is None:
                continue  # not the user's to see: nothing to say about it
            try:
                services.application_accept(
                    application=application, lock_version=version, acting_user=request.user
                )
            except DomainError as error:
                failed.append(f"{reference}: {error.message}")
            else:
                done += 1
    else:
        by_policy: dict[int, list[Application]] = defaultdict(list)
        for reference, version in chosen.items():
            application = found.get(reference)
            if application is None:
                continue
            if application.lock_version != version:
                failed.append(f"{reference}: {stale}")
            elif application.state != S.APPROVED:
                failed.append(f"{reference}: {_('Only approved applications can be published.')}")
            else:
                by_policy[application.policy_id].append(application)
        for group in by_policy.values():
            try:
                batch = services.applications_publicise(
                    policy=group[0].policy, applications=group, acting_user=request.user
                )
            except DomainError as error:
                failed.extend(f"{a.reference}: {error.message}" for a in group)
            else:
                done += len(group)
                messages.info(
                    request,
                    _("Notice %(policy)s no. %(number)s runs until %(day)s.")
                    % {
                        "policy": batch.policy.title,
                        "number": batch.number,
                        "day": batch.ends_on.isoformat(),
                    },
                )
    if done:
        messages.success(request, _("Done for %(count)s applications.") % {"count": done})
    for failure in failed:
        messages.error(request, failure)
    return back


# -- one application ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    label: str
    value: Any
    kind: str
    source: str = ""  # for a value the registry supplied (零材料)
    as_of: str = ""


def _answers(application: Application) -> list[Answer]:
    definition = application.form.definition
    held = application.prefilled or {}
    values = {**application.answers, **{k: v["value"] for k, v in held.items()}}
    answers = []
    for spec in visible_fields(definition, values):
        sourced = held.get(spec.key)
        answers.append(
            Answer(
                label=spec.label,
                value=values.get(spec.key),
                kind=spec.kind,
                source=(sourced or {}).get("source") or "",
                as_of=(sourced or {}).get("as_of") or "",
            )
        )
    return answers


def _materials(application: Application) -> list[dict[str, Any]]:
    definition = application.form.definition
    holders = dict(
        Department.objects.filter(
            code__in=[m.held_by for m in definition.materials if m.held_by]
        ).values_list("code", "name")
    )
    attachments = defaultdict(list)
    for attachment in application.attachments.select_related("file"):
        attachments[attachment.material].append(attachment)
    return [
        {
            "material": m,
            "holder": holders.get(m.held_by, m.held_by) if m.held_by else "",
            "attachments": attachments.get(m.key, []),
        }
        for m in definition.materials
    ]


# The page's buttons for the workflow's actions (the enterprise's and publicity's are elsewhere).
BUTTONS = {
    "return": ReviewAction.RETURN,
    "accept": ReviewAction.ACCEPT,
    "refuse": ReviewAction.REJECT,
    "pass_step": ReviewAction.PASS,
    "approve": ReviewAction.PASS,
    "reject": ReviewAction.REJECT,
    "disburse": ReviewAction.DISBURSE,
    "uphold_objection": ReviewAction.REJECT,
}


def _allowed(user: Any, application: Application) -> set[str]:
    """The buttons for the actions the workflow lets this user take now."""
    return {BUTTONS[t.action] for t in WORKFLOW.available(application, user) if t.action in BUTTONS}


@requires(WORKBENCH)
def application(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    item = selectors.application_for(request.user, reference)
    steps = item.form.definition.steps
    allowed = _allowed(request.user, item)
    left = selectors.working_days_left([item])
    return render(
        request,
        "applications/review/application.html",
        {
            "application": item,
            "answers": _answers(item),
            "materials": _materials(item),
            "timeline": [
                (t, steps[t.step].label if t.step is not None and t.step < len(steps) else "")
                for t in item.transitions.select_related("actor")
            ],
            "steps": steps,
            "step": steps[min(item.step, len(steps) - 1)] if item.state == S.IN_REVIEW else None,
            "last_step": item.step + 1 >= len(steps),
            "lead_step": item.state == S.IN_REVIEW
            and steps[min(item.step, len(steps) - 1)].reviewer == Reviewer.LEAD_OFFICE,
            "days_left": left.get(item.pk),
            "late": max(-left.get(item.pk, 0), 0),
            "overdue": selectors.is_overdue(item),
            "allowed": allowed,
            "actions": ReviewAction,
            "correction_due": add_working_days(clock.today(), item.form.correction_days),
            "today": clock.today(),
            "default_amount": item.approved_amount
            if item.approved_amount is not None
            else selectors.default_amount(item),
            "computed": selectors.application_amount(item),
        },
    )


@requires(WORKBENCH)
@require_POST
def act(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    item = selectors.application_for(request.user, reference)
    back = redirect("applications:review_detail", item.reference)
    form = ActForm(request.POST)
    if not form.is_valid():
        form_refused(request, form)
        return back
    data = form.cleaned_data
    version, user, action = data["lock_version"], request.user, data["action"]
    comment = data["comment"] or ""

    def run() -> Application:
        if action == ReviewAction.RETURN:
            return services.application_return(
                application=item, lock_version=version, comment=comment, acting_user=user
            )
        if action == ReviewAction.ACCEPT:
            return services.application_accept(
                application=item, lock_version=version, comment=comment, acting_user=user
            )
        if action == ReviewAction.PASS:
            return services.application_review_pass(
                application=item,
                lock_version=version,
                comment=comment,
                approved_amount=data["approved_amount"],
                acting_user=user,
            )
        if action == ReviewAction.REJECT:
            return services.application_reject(
                application=item, lock_version=version, reason=comment, acting_user=user
            )
        return services.application_disburse(
            application=item,
            lock_version=version,
            amount=data["amount"],
            paid_on=data["paid_on"],
            acting_user=user,
        )

    try:
        done = run()
    except ConflictError as error:
        messages.warning(request, error.message)
        return back
    except DomainError as error:
        messages.error(request, error.message)
        return back
    messages.success(
        request,
        _("%(ref)s is now: %(state)s.") % {"ref": done.reference, "state": S(done.state).label},
    )
    return back


# -- forms -------------------------------------------------------------------------------------


@requires(REVIEW)
def forms(request: AuthenticatedRequest) -> HttpResponse:
    return render(
        request,
        "applications/review/forms.html",
        {"policies": selectors.department_forms(request.user)},
    )


@requires(REVIEW)
def form_edit(request: AuthenticatedRequest, code: str) -> HttpResponse:
    policy = selectors.department_policy(request.user, code)
    current = services.form_current(policy)
    editor = Editor(
        request.POST if request.method == "POST" else None,
        current=current,
        keys_used=selectors.form_keys_used(policy),
    )
    problems: list[str] = []
    if request.method == "POST" and editor.is_valid():
        try:
            saved = services.form_save(
                policy=policy,
                definition=editor.definition(),
                settings=editor.settings.form_settings(),
                note=editor.settings.cleaned_data["note"],
                acting_user=request.user,
            )
        except DomainError as error:
            problems = list(error.details) if isinstance(error.details, list) else [error.message]
        else:
            messages.success(request, _("Saved as version %(number)s.") % {"number": saved.number})
            return redirect("applications:form_edit", policy.code)
    return render(
        request,
        "applications/review/form_edit.html",
        {
            "policy": policy,
            "current": current,
            "editor": editor,
            "problems": problems,
            "schema": json.dumps(current.schema, ensure_ascii=False, indent=2) if current else "",
            "versions": selectors.forms_of(policy).select_related("created_by"),
        },
    )


# -- publicity batches -------------------------------------------------------------------------


@requires(WORKBENCH)
def batch_manage(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    batch = selectors.batch_managed(request.user, pk)
    rows = selectors.batch_rows(batch)
    objections = [
        {"objection": o, "contact": mask_contact(o.contact), "form": ObjectionAnswerForm()}
        for o in selectors.objections_of(batch)
    ]
    return render(
        request,
        "applications/review/batch.html",
        {
            "batch": batch,
            "rows": rows,
            "total": sum(r.amount or 0 for r in rows),
            "running": batch.starts_on <= clock.today() <= batch.ends_on,
            "objections": objections,
            "can_answer": is_policy_department(request.user, batch.policy),
            "open_state": ObjectionState.OPEN,
        },
    )


@requires(REVIEW)
@require_POST
def objection_answer(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    objection = selectors.objection_managed(request.user, pk)
    form = ObjectionAnswerForm(request.POST)
    answer = form.cleaned_data["answer"] if form.is_valid() else ""
    perform(
        request,
        lambda: services.objection_answer(
            objection=objection, answer=answer, acting_user=request.user
        ),
        lambda _answered: _("The objection is answered."),
    )
    return redirect("applications:batch_manage", objection.batch_id)
