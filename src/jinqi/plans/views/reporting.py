"""Monthly reports: a department's measures and its report, the lead office's review queue,
review, return and publication."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jinqi.accounts.http import AuthenticatedRequest
from jinqi.core.errors import DomainError
from jinqi.core.permissions import requires
from jinqi.core.uploads import upload_store
from jinqi.plans import selectors, services
from jinqi.plans.enums import ReportState
from jinqi.plans.forms import (
    PublicationForm,
    ReportForm,
    ReturnForm,
    ReviewForm,
    month_label,
)
from jinqi.plans.permissions import REPORT, SUPERVISE, VIEW_LEDGER, can_supervise
from jinqi.plans.views.shared import current_plan, form_errors_message


@requires(REPORT)
def my_measures(request: AuthenticatedRequest) -> HttpResponse:
    plans = list(selectors.plans_all())
    if not plans:
        return render(request, "plans/my_measures.html", {"plans": []})
    plan = current_plan(request)
    department = request.user.department
    if department is None:  # REPORT implies department staff, who always have one
        raise Http404
    states = selectors.measure_states(
        plan, measures=selectors.measures_visible_to(request.user, plan)
    )
    mine = []
    for state in states:
        own = next(a for a in state.assignments if a.assignment.department_id == department.pk)
        mine.append((state, own))
    return render(
        request,
        "plans/my_measures.html",
        {
            "plans": plans,
            "plan": plan,
            "department": department,
            "rows": mine,
            "due": selectors.department_due_this_month(states, department, plan),
            "reference_date": selectors.reference_date(plan),
            "returned": selectors.reports_visible_to(request.user).filter(
                assignment__department=department, state=ReportState.RETURNED
            ),
            "drafts": selectors.reports_visible_to(request.user).filter(
                assignment__department=department, state=ReportState.DRAFT
            ),
            "urgings": selectors.urgings_visible_to(request.user).filter(
                replied_at__isnull=True, measure__plan=plan
            ),
        },
    )


@requires(REPORT)
def report_edit(request: AuthenticatedRequest, code: str, seq: int) -> HttpResponse:
    plan = selectors.plan_get(code)
    measure = selectors.measure_for(request.user, plan, seq)
    period_key = request.GET.get("period") or request.POST.get("period")
    existing = None
    try:
        period = dt.date.fromisoformat(f"{period_key}-01") if period_key else None
    except ValueError:
        period = None  # a month that does not exist has no report
    if period is not None:
        existing = (
            selectors.reports_visible_to(request.user)
            .filter(
                assignment__measure=measure,
                assignment__department=request.user.department,
                period=period,
            )
            .first()
        )
    months = selectors.report_months(request.user, measure)
    asked_reported = months.reported.get(period) if period else None
    if asked_reported is not None:
        existing = None  # said on the page; the form starts on a month still open
    if request.method == "POST":
        form = ReportForm(request.POST, request.FILES, months=months)
        if form.is_valid():
            try:
                with transaction.atomic():
                    files = [
                        upload_store(file=f, purpose_key="plans.evidence", acting_user=request.user)
                        for f in form.cleaned_data["evidence"]
                    ]
                    report = services.report_save(
                        measure=measure,
                        period=form.cleaned_data["period"],
                        status=form.cleaned_data["status"],
                        narrative=form.cleaned_data["narrative"],
                        indicator_values=form.cleaned_data["indicator_values"],
                        evidence=files,
                        submit="submit" in request.POST,
                        expected_version=form.cleaned_data.get("version"),
                        acting_user=request.user,
                    )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    _("The report was submitted to the lead office.")
                    if report.state == ReportState.SUBMITTED
                    else _("The draft was saved."),
                )
                return redirect("plans:report_detail", report.pk)
    else:
        initial = {}
        if existing is not None:
            initial = {
                "indicator_values": "\n".join(
                    f"{k} = {v:g}" for k, v in existing.indicator_values.items()
                ),
                "period": f"{existing.period:%Y-%m}",
                "status": existing.status,
                "narrative": existing.narrative,
                "version": existing.lock_version,
            }
        form = ReportForm(initial=initial, months=months)
    return render(
        request,
        "plans/report_edit.html",
        {
            "plan": plan,
            "measure": measure,
            "form": form,
            "existing": existing,
            "months": months,
            "asked_reported": asked_reported,
            "reported_labels": [month_label(m) for m in sorted(months.reported)],
        },
    )


@requires(VIEW_LEDGER)
def report_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    report = selectors.report_for(request.user, pk)
    supervisor = can_supervise(request.user)
    return render(
        request,
        "plans/report_detail.html",
        {
            "report": report,
            "events": report.events.select_related("actor"),
            "evidence": report.evidence.all(),
            "is_supervisor": supervisor,
            "is_owner": report.assignment.department_id == request.user.department_id,
            "review_form": ReviewForm(initial={"version": report.lock_version})
            if supervisor
            else None,
            "return_form": ReturnForm(initial={"version": report.lock_version})
            if supervisor
            else None,
            "publication_form": PublicationForm(
                initial={
                    "version": report.lock_version,
                    "public_summary": report.public_summary,
                    "is_public": report.is_public,
                }
            )
            if supervisor
            else None,
        },
    )


def _report_action(
    request: AuthenticatedRequest, pk: int, form_class: type, act: Any
) -> HttpResponse:
    report = selectors.report_for(request.user, pk)
    form = form_class(request.POST)
    if not form.is_valid():
        form_errors_message(request, form)
        return redirect("plans:report_detail", pk)
    try:
        act(report, form.cleaned_data)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Saved."))
    return redirect("plans:report_detail", pk)


@requires(SUPERVISE)
@require_POST
def report_review(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _report_action(
        request,
        pk,
        ReviewForm,
        lambda report, data: services.report_review(
            report=report,
            rating=data["rating"],
            comment=data["comment"],
            public_summary=data["public_summary"],
            expected_version=data["version"],
            acting_user=request.user,
        ),
    )


@requires(SUPERVISE)
@require_POST
def report_return(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _report_action(
        request,
        pk,
        ReturnForm,
        lambda report, data: services.report_return(
            report=report,
            comment=data["comment"],
            expected_version=data["version"],
            acting_user=request.user,
        ),
    )


@requires(SUPERVISE)
@require_POST
def report_publish(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _report_action(
        request,
        pk,
        PublicationForm,
        lambda report, data: services.report_publication_set(
            report=report,
            public_summary=data["public_summary"],
            is_public=data["is_public"],
            expected_version=data["version"],
            acting_user=request.user,
        ),
    )


@requires(SUPERVISE)
def review_queue(request: AuthenticatedRequest) -> HttpResponse:
    plan = current_plan(request)
    page = Paginator(selectors.review_queue(plan), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "plans/review_queue.html",
        {"plan": plan, "plans": selectors.plans_all(), "page_obj": page},
    )
