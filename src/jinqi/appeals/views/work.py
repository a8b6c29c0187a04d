"""The department's queue and an appeal's page with its actions; the lead office sees every
appeal here too, and urges or reassigns."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from jinqi.accounts.http import AuthenticatedRequest
from jinqi.appeals import selectors, services
from jinqi.appeals.enums import AppealKind, AppealState, Contact
from jinqi.appeals.forms import ActForm, QueueFilterForm
from jinqi.appeals.models import Appeal
from jinqi.appeals.permissions import SUPERVISE, WORK, is_handler
from jinqi.appeals.workflow import WORKFLOW, Action, Actor
from jinqi.core.errors import DomainError
from jinqi.core.permissions import has_capability, requires
from jinqi.registry.masking import mask_contact
from jinqi.web.actions import form_refused, perform
from jinqi.web.spreadsheets import xlsx_response

PAGE_SIZE = 25


def _queue_form(request: AuthenticatedRequest) -> QueueFilterForm:
    return QueueFilterForm(request.GET, categories=selectors.routing_table())


@requires(WORK)
def queue(request: AuthenticatedRequest) -> HttpResponse:
    form = _queue_form(request)
    page = Paginator(selectors.work_queue(request.user, form.filters()), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    appeals = list(page.object_list)
    limits = selectors.deadlines(appeals)
    return render(
        request,
        "appeals/work/queue.html",
        {
            "form": form,
            "page_obj": page,
            "rows": [(a, limits[a.pk]) for a in appeals],
            "query": request.GET.urlencode(),
            "supervises": has_capability(request.user, SUPERVISE),
        },
    )


def contact_shown(appeal: Appeal, *, full: bool) -> str:
    """The preferred contact: in full for the department that must use it, masked elsewhere."""
    if appeal.contact_channel == Contact.INBOX or not appeal.contact_value:
        return str(Contact(appeal.contact_channel).label)
    value = appeal.contact_value if full else mask_contact(appeal.contact_value)
    return f"{Contact(appeal.contact_channel).label}: {value}"


@requires(WORK)
def queue_xlsx(request: AuthenticatedRequest) -> HttpResponse:
    appeals = list(selectors.work_queue(request.user, _queue_form(request).filters())[:5000])
    limits = selectors.deadlines(appeals)
    header = [
        pgettext("appeal", "Reference"),
        _("Type of appeal"),
        _("Category"),
        _("Title"),
        _("Enterprise"),
        _("Unified social credit code"),
        _("Department"),
        _("State"),
        _("Preferred contact"),
        _("Filed at"),
        _("First response due"),
        _("Resolution due"),
        _("Working days left"),
        _("Escalated"),
        _("Rating"),
        _("Times reopened"),
    ]
    rows = (
        (
            a.reference,
            str(AppealKind(a.kind).label),
            a.category.name,
            a.title,
            a.enterprise.name,
            a.enterprise.uscc,
            a.department.name,
            str(AppealState(a.state).label),
            contact_shown(a, full=False),
            localtime(a.filed_at).replace(tzinfo=None),
            a.response_due,
            a.resolution_due,
            limits[a.pk].days_left,
            a.escalated_at is not None,
            a.rating,
            a.reopen_count,
        )
        for a in appeals
    )
    return xlsx_response("appeals.xlsx", _("Appeals"), header, rows)


def _actor_of(request: AuthenticatedRequest, appeal: Appeal) -> Actor | None:
    if is_handler(request.user, appeal):
        return Actor.DEPARTMENT
    if has_capability(request.user, SUPERVISE):
        return Actor.LEAD_OFFICE
    return None


@requires(WORK)
def handle(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    appeal = selectors.appeal_for(request.user, reference)
    actor = _actor_of(request, appeal)
    allowed = [t.action for t in WORKFLOW.actions_from(appeal.state, actor)] if actor else []
    handler = actor is Actor.DEPARTMENT
    context: dict[str, Any] = {
        "appeal": appeal,
        "entries": selectors.timeline(appeal),
        "limit": selectors.deadlines([appeal])[appeal.pk],
        "allowed": allowed,
        "actions": {a.name: a.value for a in Action},
        "contact": contact_shown(appeal, full=handler),
        "duplicates": selectors.duplicates_for_handler(appeal)
        if handler and Action.MERGE in allowed
        else [],
        "merged": appeal.merged.all(),
        "may_urge": actor is Actor.LEAD_OFFICE and appeal.is_open,
        "departments": selectors.handling_departments(),
        "categories": selectors.routing_table(),
        "complex_days": appeal.regime.complex_days,
    }
    return render(request, "appeals/work/appeal.html", context)


@requires(WORK)
@require_POST
def act(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    appeal = selectors.appeal_for(request.user, reference)
    form = ActForm(request.POST)
    back = redirect("appeals:handle", appeal.reference)
    if not form.is_valid():
        form_refused(request, form)
        return back
    data = form.cleaned_data
    action, version, text, user = data["action"], data["lock_version"], data["text"], request.user
    if action == "urge":
        perform(
            request,
            lambda: services.appeal_urge(appeal=appeal, text=text, acting_user=user),
            lambda _e: _("The department is urged."),
        )
        return back
    if action in (Action.TRANSFER, Action.REASSIGN):
        if data["department"] is None:
            messages.error(request, _("Choose the department to hand the appeal to."))
            return back
        service = (
            services.appeal_transfer if action == Action.TRANSFER else services.appeal_reassign
        )
        done = perform(
            request,
            lambda: service(
                appeal=appeal,
                lock_version=version,
                department=data["department"],
                category=data["category"],
                reason=text,
                acting_user=user,
            ),
            lambda a: _("Handed to %(dept)s.") % {"dept": a.department.name},
        )
        # A department that gave the appeal away can no longer see it.
        return redirect("appeals:queue") if done and action == Action.TRANSFER else back
    if action == Action.MERGE:
        try:
            original = selectors.appeal_for(user, data["original"])
        except Http404:  # an original the user cannot see is no choice
            messages.error(request, _("Choose the original appeal to merge into."))
            return back
        perform(
            request,
            lambda: services.appeal_merge(
                duplicate=appeal, original=original, lock_version=version, acting_user=user
            ),
            lambda a: _("Merged into %(ref)s.") % {"ref": original.reference},
        )
        return back
    calls = {
        Action.RESPOND: lambda: services.appeal_respond(
            appeal=appeal,
            lock_version=version,
            text=text,
            is_complex=data["is_complex"],
            acting_user=user,
        ),
        Action.ASK_INFO: lambda: services.appeal_ask_info(
            appeal=appeal, lock_version=version, text=text, acting_user=user
        ),
        Action.RESOLVE: lambda: services.appeal_resolve(
            appeal=appeal,
            lock_version=version,
            answer=text,
            files=request.FILES.getlist("files"),
            acting_user=user,
        ),
    }
    try:
        call = calls[Action(action)]
    except (KeyError, ValueError):
        raise DomainError(_("Unknown action.")) from None
    perform(request, call, lambda a: _("Done: %(state)s.") % {"state": AppealState(a.state).label})
    return back
