"""Supervision: urging notices and their replies, the log of meetings, visits and inquiries."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jinqi.accounts.http import AuthenticatedRequest
from jinqi.core.errors import DomainError
from jinqi.core.permissions import requires
from jinqi.plans import selectors, services
from jinqi.plans.forms import (
    SupervisionForm,
    UrgingForm,
    UrgingReplyForm,
)
from jinqi.plans.permissions import SUPERVISE, VIEW_LEDGER
from jinqi.plans.views.shared import current_plan, form_errors_message


@requires(SUPERVISE)
@require_POST
def urging_issue(request: AuthenticatedRequest, code: str, seq: int) -> HttpResponse:
    plan = selectors.plan_get(code)
    measure = selectors.measure_for(request.user, plan, seq)
    form = UrgingForm(request.POST, measure=measure)
    if not form.is_valid():
        form_errors_message(request, form)
        return redirect("plans:measure_detail", code, seq)
    try:
        services.urging_issue(measure=measure, acting_user=request.user, **form.cleaned_data)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The urging notice was sent."))
    return redirect("plans:measure_detail", code, seq)


@requires(VIEW_LEDGER)
def urging_list(request: AuthenticatedRequest) -> HttpResponse:
    notices = selectors.urgings_visible_to(request.user)
    page = Paginator(notices, 25).get_page(request.GET.get("page"))
    return render(request, "plans/urging_list.html", {"page_obj": page})


@requires(VIEW_LEDGER)
def urging_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    notice = selectors.urging_for(request.user, pk)
    can_reply = notice.replied_at is None and notice.department_id == request.user.department_id
    form = UrgingReplyForm(request.POST or None) if can_reply else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                services.urging_reply(
                    notice=notice, reply=form.cleaned_data["reply"], acting_user=request.user
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Your reply was sent to the lead office."))
                return redirect("plans:urging_detail", pk)
    return render(request, "plans/urging_detail.html", {"notice": notice, "form": form})


@requires(SUPERVISE)
def supervision_log(request: AuthenticatedRequest) -> HttpResponse:
    plan = current_plan(request)
    form = SupervisionForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.supervision_record(
                plan=plan,
                acting_user=request.user,
                measures=list(form.cleaned_data.pop("measures")),
                **form.cleaned_data,
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The entry was recorded."))
            return redirect(f"{request.path}?plan={plan.code}")
    page = Paginator(selectors.supervision_entries(plan), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "plans/supervision_log.html",
        {"plan": plan, "plans": selectors.plans_all(), "form": form, "page_obj": page},
    )
