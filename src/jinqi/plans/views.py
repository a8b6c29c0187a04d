"""Thin web layer of the supervision console: parse, call one service or selector, render."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jinqi.accounts.http import AuthenticatedRequest
from jinqi.accounts.models import Department
from jinqi.core import calendar, clock
from jinqi.core.errors import DomainError
from jinqi.core.indicators import readings
from jinqi.core.permissions import PUBLIC, requires
from jinqi.core.uploads import upload_store
from jinqi.plans import charts, selectors, services
from jinqi.plans.enums import MeasureStatus, ReportState
from jinqi.plans.exporting import ledger_csv, ledger_xlsx
from jinqi.plans.forms import (
    CalendarDayForm,
    DeadlineForm,
    GroupMembersForm,
    ImportForm,
    IndicatorsForm,
    PublicationForm,
    ReportForm,
    ReturnForm,
    ReviewForm,
    RollOverForm,
    SupervisionForm,
    UrgingForm,
    UrgingReplyForm,
)
from jinqi.plans.importing import PlanFileError
from jinqi.plans.models import Plan
from jinqi.plans.permissions import REPORT, SUPERVISE, VIEW_LEDGER, can_supervise
from jinqi.plans.selectors import MeasureState

AUTHENTICATED = "authenticated"


def _current_plan(request: HttpRequest) -> Plan:
    code = request.GET.get("plan")
    if code:
        return selectors.plan_get(code)
    plan = selectors.plans_all().first()
    if plan is None:
        raise Http404(_("No plan has been imported yet."))
    return plan


@requires(PUBLIC)
def public_progress(request: HttpRequest) -> HttpResponse:
    plans = list(selectors.plans_all())
    if not plans:
        return render(request, "plans/public_progress.html", {"plans": []})
    plan = _current_plan(request)
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
            "status": status,
            "statuses": MeasureStatus.choices,
            "summary": _status_summary(states),
            "chart_area": charts.stacked_bar(selectors.breakdown(states, "service_area")),
        },
    )


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
def dashboard(request: AuthenticatedRequest) -> HttpResponse:
    plan = _current_plan(request)
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
    plan = _current_plan(request)
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


@requires(REPORT)
def my_measures(request: AuthenticatedRequest) -> HttpResponse:
    plans = list(selectors.plans_all())
    if not plans:
        return render(request, "plans/my_measures.html", {"plans": []})
    plan = _current_plan(request)
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
    if request.method == "POST":
        form = ReportForm(request.POST, request.FILES, plan=plan)
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
        form = ReportForm(initial=initial, plan=plan)
    return render(
        request,
        "plans/report_edit.html",
        {"plan": plan, "measure": measure, "form": form, "existing": existing},
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


def _form_errors_message(request: HttpRequest, form: Any) -> None:
    """For forms posted from another page: their errors as one message on the page returned to."""
    errors = "; ".join(str(e) for field_errors in form.errors.values() for e in field_errors)
    messages.error(request, _("Please correct the form: %(errors)s") % {"errors": errors})


def _report_action(
    request: AuthenticatedRequest, pk: int, form_class: type, act: Any
) -> HttpResponse:
    report = selectors.report_for(request.user, pk)
    form = form_class(request.POST)
    if not form.is_valid():
        _form_errors_message(request, form)
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
    plan = _current_plan(request)
    page = Paginator(selectors.review_queue(plan), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "plans/review_queue.html",
        {"plan": plan, "plans": selectors.plans_all(), "page_obj": page},
    )


@requires(SUPERVISE)
@require_POST
def urging_issue(request: AuthenticatedRequest, code: str, seq: int) -> HttpResponse:
    plan = selectors.plan_get(code)
    measure = selectors.measure_for(request.user, plan, seq)
    form = UrgingForm(request.POST, measure=measure)
    if not form.is_valid():
        _form_errors_message(request, form)
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
    plan = _current_plan(request)
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


@requires(SUPERVISE)
def plan_import(request: AuthenticatedRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            result = services.plan_import(
                code=form.cleaned_data["code"],
                title=form.cleaned_data["title"],
                year=form.cleaned_data["year"],
                document_number=form.cleaned_data["document_number"],
                content=form.cleaned_data["file"].read(),
                # The name as sent (jinqi.core.multipart), as upload_store reads it.
                file_name=getattr(form.cleaned_data["file"], "client_name", None)
                or form.cleaned_data["file"].name,
                acting_user=request.user,
            )
        except PlanFileError as error:
            problems = [str(e) for e in error.errors]
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("Imported: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.")
                % {
                    "created": result.created,
                    "updated": result.updated,
                    "unchanged": result.unchanged,
                },
            )
            return redirect(f"/plans/ledger/?plan={result.plan.code}")
    return render(request, "plans/import.html", {"form": form, "problems": problems})


@requires(SUPERVISE)
def plan_roll_over(request: AuthenticatedRequest, code: str) -> HttpResponse:
    source = selectors.plan_get(code)
    form = RollOverForm(
        request.POST or None,
        initial={
            "code": f"{code.rsplit('-', 1)[0]}-{source.year + 1}",
            "year": source.year + 1,
            "title": source.title,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_roll_over(
                source=source, acting_user=request.user, **form.cleaned_data
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The new plan was created."))
            return redirect(f"/plans/ledger/?plan={plan.code}")
    return render(request, "plans/roll_over.html", {"form": form, "source": source})


@requires(SUPERVISE)
def groups(request: AuthenticatedRequest) -> HttpResponse:
    return render(
        request,
        "plans/groups.html",
        {"groups": Department.objects.groups().prefetch_related("members")},
    )


@requires(SUPERVISE)
def group_edit(request: AuthenticatedRequest, code: str) -> HttpResponse:
    group = get_object_or_404(Department.objects.groups(), code=code)
    form = GroupMembersForm(request.POST or None, initial={"members": group.members.all()})
    if request.method == "POST" and form.is_valid():
        try:
            services.group_members_set(
                group=group, members=list(form.cleaned_data["members"]), acting_user=request.user
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The group's members were saved."))
            return redirect("plans:groups")
    return render(request, "plans/group_edit.html", {"group": group, "form": form})


@requires(SUPERVISE)
def working_calendar(request: AuthenticatedRequest) -> HttpResponse:
    """The working-day calendar deadlines are counted on, and the lead office's corrections."""
    year = clock.today().year
    asked = request.GET.get("year", "")
    if asked.isdigit() and 2000 <= int(asked) <= 2100:
        year = int(asked)
    elif asked:
        messages.warning(request, _("Enter a year from 2000 to 2100; this year is shown."))
    form = CalendarDayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.calendar_day_set(acting_user=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The calendar was corrected."))
            return redirect(f"{request.path}?year={form.cleaned_data['day'].year}")
    return render(
        request,
        "plans/calendar.html",
        {
            "year": year,
            "form": form,
            "overrides": calendar.calendar_overrides(year),
            "library_knows": calendar.library_knows(year),
        },
    )
