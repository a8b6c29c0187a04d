"""The plan's progress: the public page, the dashboard, the ledger and its export, a measure."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jinqi.accounts.http import AuthenticatedRequest
from jinqi.accounts.models import Department
from jinqi.core.errors import DomainError
from jinqi.core.indicators import readings
from jinqi.core.pagecache import cached_page
from jinqi.core.permissions import PUBLIC, requires
from jinqi.plans import charts, selectors, services
from jinqi.plans.enums import MeasureStatus
from jinqi.plans.exporting import ledger_csv, ledger_xlsx
from jinqi.plans.forms import (
    DeadlineForm,
    IndicatorsForm,
    UrgingForm,
)
from jinqi.plans.permissions import SUPERVISE, VIEW_LEDGER, can_supervise
from jinqi.plans.selectors import MeasureState
from jinqi.plans.views.shared import current_plan


@requires(PUBLIC)
@cached_page
def public_progress(request: HttpRequest) -> HttpResponse:
    plans = list(selectors.plans_all())
    if not plans:
        return render(request, "plans/public_progress.html", {"plans": []})
    plan = current_plan(request)
    states = selectors.measure_states(plan)
    status = request.GET.get("status", "")
    shown = [s for s in states if not status or s.status == status]
    return render(
        request,
        "plans/public_progress.html",
        {
            "plans": plans,
            "plan": plan,
            "states": shown,
            "areas": _by_service_area(shown, open_all=bool(status)),
            "status": status,
            "statuses": MeasureStatus.choices,
            "summary": _status_summary(states),
            "chart_area": charts.stacked_bar(selectors.breakdown(states, "service_area")),
        },
    )


@dataclass(frozen=True)
class AreaGroup:
    """The measures of one service area, in plan order, folded on the public page (100 rows
    on one page were 12,000 pixels long) unless a filter has already narrowed them."""

    area: str
    states: list[MeasureState]
    completed: int
    open: bool


def _by_service_area(states: list[MeasureState], *, open_all: bool) -> list[AreaGroup]:
    by_area = itertools.groupby(states, key=lambda s: s.measure.service_area)
    groups = [list(group) for _area, group in by_area]
    return [
        AreaGroup(
            area=group[0].measure.service_area,
            states=group,
            completed=sum(s.status == MeasureStatus.COMPLETED for s in group),
            open=open_all,
        )
        for group in groups
    ]


def _status_summary(states: list[MeasureState]) -> dict[str, int]:
    summary = {value: 0 for value in MeasureStatus.values}
    for state in states:
        summary[state.status] += 1
    summary["total"] = len(states)
    summary["overdue"] = sum(s.overdue for s in states)
    summary["pilot"] = sum(s.measure.pilot for s in states)
    summary["completed_pct"] = (
        round(100 * summary[MeasureStatus.COMPLETED] / len(states)) if states else 0
    )
    return summary


@requires(SUPERVISE)
@cached_page
def dashboard(request: AuthenticatedRequest) -> HttpResponse:
    plan = current_plan(request)
    states = selectors.measure_states(plan)
    by_department = sorted(
        selectors.breakdown(states, "department"), key=lambda b: (b.completed_pct, b.label)
    )
    timeliness = selectors.report_timeliness(plan)
    return render(
        request,
        "plans/dashboard.html",
        {
            "plan": plan,
            "plans": selectors.plans_all(),
            "summary": _status_summary(states),
            "overdue": [s for s in states if s.overdue],
            "due_soon": [s for s in states if s.due_soon],
            "not_stated": [s for s in states if s.measure.deadline_kind == "not_stated"],
            "by_area": selectors.breakdown(states, "service_area"),
            "by_action": selectors.breakdown(states, "action"),
            "by_department": by_department,
            "timeliness": timeliness,
            "review_count": selectors.review_queue(plan).count(),
            "indicators": readings(),
            "chart_area": charts.stacked_bar(selectors.breakdown(states, "service_area")),
            "chart_action": charts.stacked_bar(selectors.breakdown(states, "action")),
            "chart_status": charts.status_pie(_status_summary(states)),
            "chart_timeliness": charts.timeliness_bar(timeliness),
            "reference_date": selectors.reference_date(plan),
        },
    )


@requires(VIEW_LEDGER)
def ledger(request: AuthenticatedRequest) -> HttpResponse:
    plan = current_plan(request)
    states = selectors.measure_states(
        plan, measures=selectors.measures_visible_to(request.user, plan)
    )
    status = request.GET.get("status", "")
    department = request.GET.get("department", "")
    area = request.GET.get("area", "")
    only_overdue = request.GET.get("overdue") == "1"
    query = request.GET.get("q", "").strip()
    shown = [
        s
        for s in states
        if (not status or s.status == status)
        and (not department or any(d.code == department for d in s.departments))
        and (not area or s.measure.service_area == area)
        and (not only_overdue or s.overdue)
        and (not query or query in s.measure.text or query in s.measure.reform_item)
    ]
    page = Paginator(shown, 25).get_page(request.GET.get("page"))
    return render(
        request,
        # HTMX filtering swaps only the results; a plain request gets the whole page.
        "plans/_ledger_results.html" if request.htmx else "plans/ledger.html",
        {
            "plan": plan,
            "plans": selectors.plans_all(),
            "page_obj": page,
            "count": len(shown),
            "statuses": MeasureStatus.choices,
            "areas": sorted({s.measure.service_area for s in states}),
            "departments": Department.objects.units()
            .filter(assignments__measure__plan=plan)
            .distinct(),
            "filters": request.GET,
            "can_export": can_supervise(request.user),
        },
    )


@requires(VIEW_LEDGER)
def ledger_export(request: AuthenticatedRequest, code: str) -> HttpResponse:
    plan = selectors.plan_get(code)
    if not can_supervise(request.user):
        raise Http404  # departments see their own measures on screen; the ledger is the office's
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            ledger_xlsx(plan),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{plan.code}-ledger.xlsx"'
        return response
    response = HttpResponse(ledger_csv(plan), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{plan.code}-ledger.csv"'
    return response


@requires(VIEW_LEDGER)
def measure_detail(request: AuthenticatedRequest, code: str, seq: int) -> HttpResponse:
    plan = selectors.plan_get(code)
    measure = selectors.measure_for(request.user, plan, seq)
    state = selectors.measure_states(plan, measures=plan.measures.filter(pk=measure.pk))[0]
    reports = selectors.reports_visible_to(request.user).filter(assignment__measure=measure)
    return render(
        request,
        "plans/measure_detail.html",
        {
            "plan": plan,
            "state": state,
            "measure": measure,
            "page_obj": Paginator(
                reports.order_by("-period", "assignment__department__sort_order"), 30
            ).get_page(request.GET.get("page")),
            "urgings": selectors.urgings_visible_to(request.user).filter(measure=measure),
            "entries": measure.supervision_entries.all() if can_supervise(request.user) else [],
            "urging_form": UrgingForm(measure=measure) if can_supervise(request.user) else None,
            "deadline_form": DeadlineForm(initial={"deadline": measure.deadline_text}),
            "indicators": readings(measure.indicator_keys),
            "indicators_form": IndicatorsForm(initial={"keys": measure.indicator_keys}),
            "is_supervisor": can_supervise(request.user),
            "mine": [
                a
                for a in state.assignments
                if a.assignment.department_id == request.user.department_id
            ],
        },
    )


@requires(SUPERVISE)
@require_POST
def measure_deadline_set(request: AuthenticatedRequest, code: str, seq: int) -> HttpResponse:
    plan = selectors.plan_get(code)
    measure = selectors.measure_for(request.user, plan, seq)
    form = DeadlineForm(request.POST)
    if form.is_valid():
        try:
            services.measure_deadline_set(
                measure=measure,
                deadline_text=form.cleaned_data["deadline"],
                acting_user=request.user,
            )
            messages.success(request, _("The deadline was saved."))
        except DomainError as error:
            messages.error(request, error.message)
    return redirect("plans:measure_detail", code, seq)


@requires(SUPERVISE)
@require_POST
def measure_indicators_set(request: AuthenticatedRequest, code: str, seq: int) -> HttpResponse:
    plan = selectors.plan_get(code)
    measure = selectors.measure_for(request.user, plan, seq)
    form = IndicatorsForm(request.POST)
    if form.is_valid():
        try:
            services.measure_indicators_set(
                measure=measure, keys=form.cleaned_data["keys"], acting_user=request.user
            )
            messages.success(request, _("The indicators were linked."))
        except DomainError as error:
            messages.error(request, error.message)
    return redirect("plans:measure_detail", code, seq)
