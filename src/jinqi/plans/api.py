"""The plans API: public progress for anyone; reports for the responsible departments; reviews
for the lead office."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.pagination import paginate

from jinqi.accounts.http import AuthenticatedRequest
from jinqi.core.errors import DomainError
from jinqi.core.permissions import PUBLIC, declares, ensure_capability
from jinqi.plans import selectors, services
from jinqi.plans.models import Plan, ProgressReport
from jinqi.plans.permissions import REPORT, SUPERVISE, VIEW_LEDGER
from jinqi.plans.schemas import MeasurePublicOut, PlanOut, ReportIn, ReportOut, ReviewIn

router = Router(tags=["plans"])


@router.get("/", response=list[PlanOut], auth=None, openapi_extra=declares(PUBLIC))
def plans_list(request: HttpRequest) -> list[Plan]:
    return list(selectors.plans_all())


@router.get(
    "/{code}/measures", response=list[MeasurePublicOut], auth=None, openapi_extra=declares(PUBLIC)
)
def measures_public(request: HttpRequest, code: str) -> list[MeasurePublicOut]:
    """Every measure with its status and the summary the lead office made public."""
    plan = selectors.plan_get(code)
    return [
        MeasurePublicOut(
            seq=s.measure.seq,
            pilot=s.measure.pilot,
            service_area=s.measure.service_area,
            action=s.measure.action,
            reform_item=s.measure.reform_item,
            measure=s.measure.text,
            units=s.units_text,
            deadline=s.measure.deadline_text,
            status=s.status,
            overdue=s.overdue,
            public_summary=s.public_summary,
        )
        for s in selectors.measure_states(plan)
    ]


@router.get("/reports", response=list[ReportOut], openapi_extra=declares(VIEW_LEDGER))
@paginate
def reports_list(request: AuthenticatedRequest) -> QuerySet[ProgressReport]:
    """Reports the caller may read: a department's own (drafts included) and the ones the lead
    office made public; for the lead office every submitted, returned or reviewed report."""
    ensure_capability(request.user, VIEW_LEDGER)
    return selectors.reports_visible_to(request.user).order_by("-period", "id")


@router.post(
    "/{code}/measures/{seq}/reports", response={201: ReportOut}, openapi_extra=declares(REPORT)
)
def report_submit(
    request: AuthenticatedRequest, code: str, seq: int, data: ReportIn
) -> Status[ProgressReport]:
    """Save or submit the caller's department report for a month (send an Idempotency-Key)."""
    ensure_capability(request.user, REPORT)
    plan = selectors.plan_get(code)
    measure = selectors.measure_for(request.user, plan, seq)
    try:
        period = dt.date.fromisoformat(f"{data.period}-01")
    except ValueError as error:  # the pattern lets through year 0000, which has no calendar
        raise DomainError(
            _("The month %(period)s does not exist.") % {"period": data.period}
        ) from error
    report = services.report_save(
        measure=measure,
        period=period,
        status=data.status,
        narrative=data.narrative,
        indicator_values=data.indicator_values,
        submit=data.submit,
        acting_user=request.user,
    )
    return Status(201, report)


@router.post("/reports/{report_id}/review", response=ReportOut, openapi_extra=declares(SUPERVISE))
def report_review(request: AuthenticatedRequest, report_id: int, data: ReviewIn) -> ProgressReport:
    ensure_capability(request.user, SUPERVISE)
    report = selectors.report_for(request.user, report_id)
    return services.report_review(
        report=report,
        rating=data.rating,
        comment=data.comment,
        public_summary=data.public_summary,
        expected_version=data.version,
        acting_user=request.user,
    )
