"""The visit API for department systems: the visits of the caller's department, with their
inspection codes, items and every result (结果互认); report findings on a visit; re-check a
rectification (a token scoped to `inspections.work_visits`; POST with an Idempotency-Key)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.db.models import QuerySet
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from jinqi.accounts.http import AuthenticatedRequest
from jinqi.core.permissions import declares, ensure_capability
from jinqi.core.schemas import LineText, MultiLineText
from jinqi.inspections import results
from jinqi.inspections.models import Finding, Rectification, Visit
from jinqi.inspections.results import MAX_RECTIFICATION_DAYS, FindingIn
from jinqi.inspections.visit_permissions import WORK_VISITS
from jinqi.inspections.visit_selectors import rectification_for, visit_by_code, visits_visible_to
from jinqi.inspections.visit_workflow import visit_items

router = Router(tags=["inspections"])


class RectificationOut(Schema):
    id: int
    state: str
    deadline: dt.date
    reported_on: dt.date | None
    report_text: str
    recheck_on: dt.date | None
    lock_version: int


class FindingOut(Schema):
    item_code: str = Field(..., alias="item.code")
    department: str = Field(..., alias="item.department.code")
    result: str
    note: str
    recorded_at: dt.datetime
    rectification: RectificationOut | None

    @staticmethod
    def resolve_rectification(finding: Finding) -> Rectification | None:
        return getattr(finding, "rectification", None)


class VisitItemOut(Schema):
    code: str
    name: str
    department: str = Field(..., alias="department.code")
    legal_basis: str


class VisitOut(Schema):
    short_code: str
    uscc: str = Field(..., alias="enterprise.uscc")
    enterprise: str = Field(..., alias="enterprise.name")
    date: dt.date
    lead_department: str = Field(..., alias="lead_department.code")
    state: str
    over_cap: bool
    items: list[VisitItemOut]
    findings: list[FindingOut]

    @staticmethod
    def resolve_items(visit: Visit) -> list[object]:
        return list(visit_items(visit))

    @staticmethod
    def resolve_findings(visit: Visit) -> list[Finding]:
        return list(
            visit.findings.select_related("item__department", "rectification").order_by("pk")
        )


class FindingReportIn(Schema):
    item_code: LineText = Field(..., max_length=40)
    result: Literal["compliant", "non_compliant", "not_applicable"]
    note: MultiLineText = Field("", max_length=2000)
    rectification_days: int | None = Field(None, ge=1, le=MAX_RECTIFICATION_DAYS)


class FindingsIn(Schema):
    findings: list[FindingReportIn] = Field(..., min_length=1, max_length=200)


class RecheckIn(Schema):
    action: Literal["pass", "fail"]
    lock_version: int = Field(..., ge=0)
    text: MultiLineText = Field("", max_length=2000)
    days: int | None = Field(None, ge=1, le=MAX_RECTIFICATION_DAYS)


@router.get("/visits", response=list[VisitOut], openapi_extra=declares(WORK_VISITS))
@paginate
def visits_list(request: AuthenticatedRequest) -> QuerySet[Visit]:
    """The visits the caller's department takes part in, newest first, with every result."""
    ensure_capability(request.user, WORK_VISITS)
    return visits_visible_to(request.user)


@router.get("/visits/{short_code}", response=VisitOut, openapi_extra=declares(WORK_VISITS))
def visit_get(request: AuthenticatedRequest, short_code: str) -> Visit:
    ensure_capability(request.user, WORK_VISITS)
    return visit_by_code(request.user, short_code)


@router.post(
    "/visits/{short_code}/findings", response=VisitOut, openapi_extra=declares(WORK_VISITS)
)
def findings_report(request: AuthenticatedRequest, short_code: str, data: FindingsIn) -> Visit:
    """Report the results of the caller's department's items on the visit, all or none (send
    an Idempotency-Key): a non-compliant result needs a note and `rectification_days`."""
    ensure_capability(request.user, WORK_VISITS)
    visit = visit_by_code(request.user, short_code)
    results.findings_record(
        visit=visit,
        entries=[
            FindingIn(f.item_code, f.result, f.note, f.rectification_days) for f in data.findings
        ],
        acting_user=request.user,
    )
    visit.refresh_from_db()
    return visit


@router.post(
    "/rectifications/{rectification_id}/recheck",
    response=RectificationOut,
    openapi_extra=declares(WORK_VISITS),
)
def rectification_recheck(
    request: AuthenticatedRequest, rectification_id: int, data: RecheckIn
) -> Rectification:
    """Pass or fail the re-check of a rectification of the caller's department's item (a
    failure sets a new deadline of `days` working days)."""
    ensure_capability(request.user, WORK_VISITS)
    return results.rectification_act(
        rectification=rectification_for(request.user, rectification_id),
        action=data.action,
        lock_version=data.lock_version,
        text=data.text,
        days=data.days,
        acting_user=request.user,
    )
