"""The enterprise's side: its appeals, filing one, the conversation, supplying information,
confirming and rating or reopening, and the four-week follow-up."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jinqi.accounts.http import AuthenticatedRequest
from jinqi.appeals import selectors, services, workflow
from jinqi.appeals.enums import AppealState
from jinqi.appeals.forms import ConfirmForm, FilingForm, TextForm
from jinqi.appeals.models import Appeal
from jinqi.appeals.permissions import FILE
from jinqi.core.errors import DomainError
from jinqi.core.pagecache import cached_page
from jinqi.core.permissions import requires
from jinqi.web.actions import form_refused, perform

PAGE_SIZE = 20


@requires(FILE)
@cached_page
def mine(request: AuthenticatedRequest) -> HttpResponse:
    appeals = selectors.appeals_visible_to(request.user).order_by("-filed_at", "-pk")
    page = Paginator(appeals, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "appeals/mine.html", {"page_obj": page, "appeals": page.object_list})


@requires(FILE)
def file(request: AuthenticatedRequest) -> HttpResponse:
    categories = selectors.categories_offered()
    form = FilingForm(request.POST or None, categories=categories)
    duplicates: list[tuple[Appeal, float]] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            appeal = services.appeal_file(
                data=services.AppealData(
                    kind=data["kind"],
                    category=data["category"],
                    title=data["title"],
                    text=data["text"],
                    contact_channel=data["contact_channel"],
                    contact_value=data["contact_value"],
                ),
                files=request.FILES.getlist("files"),
                acting_user=request.user,
                file_anyway=data["file_anyway"],
            )
        except services.DuplicateAppealError as error:
            # Warn once; the same form posted again (file_anyway) goes through.
            duplicates = error.duplicates
            data_again = request.POST.copy()
            data_again["file_anyway"] = "on"
            form = FilingForm(data_again, categories=categories)
            form.is_valid()
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("Appeal %(ref)s is filed with %(dept)s; first response due by %(day)s.")
                % {
                    "ref": appeal.reference,
                    "dept": appeal.department.name,
                    "day": appeal.response_due.isoformat(),
                },
            )
            return redirect("appeals:detail", appeal.reference)
    return render(
        request,
        "appeals/file.html",
        {"form": form, "duplicates": duplicates, "categories": categories},
    )


@requires(FILE)
def detail(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    appeal = selectors.appeal_for(request.user, reference)
    allowed = [
        t.action for t in workflow.WORKFLOW.actions_from(appeal.state, workflow.Actor.ENTERPRISE)
    ]
    return render(
        request,
        "appeals/detail.html",
        {
            "appeal": appeal,
            "entries": selectors.timeline(appeal),
            "allowed": allowed,
            "actions": {a.name: a.value for a in workflow.Action},
            "confirm_form": ConfirmForm(initial={"lock_version": appeal.lock_version}),
            "follow_up_open": appeal.state == AppealState.CLOSED
            and appeal.follow_up_sent_at is not None
            and appeal.follow_up_answered_at is None,
        },
    )


def _text_action(request: AuthenticatedRequest, reference: str, action: str) -> HttpResponse:
    appeal = selectors.appeal_for(request.user, reference)
    form = TextForm(request.POST)
    back = redirect("appeals:detail", appeal.reference)
    if not form.is_valid():
        form_refused(request, form)
        return back
    version = form.cleaned_data["lock_version"]
    text = form.cleaned_data["text"]
    if action == workflow.Action.SUPPLY_INFO:
        perform(
            request,
            lambda: services.appeal_supply_info(
                appeal=appeal,
                lock_version=version if version is not None else -1,
                text=text,
                files=request.FILES.getlist("files"),
                acting_user=request.user,
            ),
            lambda a: _("Sent to %(dept)s.") % {"dept": a.department.name},
        )
    else:
        perform(
            request,
            lambda: services.appeal_reopen(
                appeal=appeal,
                lock_version=version if version is not None else -1,
                reason=text,
                acting_user=request.user,
            ),
            lambda a: _("Reopened: %(dept)s takes it up again.") % {"dept": a.department.name},
        )
    return back


@requires(FILE)
@require_POST
def supply(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    return _text_action(request, reference, workflow.Action.SUPPLY_INFO)


@requires(FILE)
@require_POST
def reopen(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    return _text_action(request, reference, workflow.Action.REOPEN)


@requires(FILE)
@require_POST
def confirm(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    appeal = selectors.appeal_for(request.user, reference)
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        form_refused(request, form)
        return redirect("appeals:detail", appeal.reference)
    data = form.cleaned_data
    perform(
        request,
        lambda: services.appeal_confirm(
            appeal=appeal,
            lock_version=data["lock_version"],
            rating=data["rating"],
            solved=data["solved"],
            comment=data["text"],
            acting_user=request.user,
        ),
        lambda a: _("Thank you: appeal %(ref)s is closed.") % {"ref": a.reference},
    )
    return redirect("appeals:detail", appeal.reference)


@requires(FILE)
def follow_up(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    """The one-click question four weeks after closing: is the matter really solved?"""
    appeal = selectors.appeal_for(request.user, reference)
    if request.method == "POST":
        solved = request.POST.get("solved") == "yes"
        perform(
            request,
            lambda: services.appeal_follow_up_answer(
                appeal=appeal, solved=solved, acting_user=request.user
            ),
            lambda a: (
                _("Thank you, that is recorded.")
                if solved
                else _("The appeal is reopened with %(dept)s.") % {"dept": a.department.name}
            ),
        )
        return redirect("appeals:detail", appeal.reference)
    answerable = appeal.state == AppealState.CLOSED and appeal.follow_up_answered_at is None
    return render(request, "appeals/follow_up.html", {"appeal": appeal, "answerable": answerable})
