"""The credit API for department systems: push records (idempotent: a decision is stored once,
and an Idempotency-Key makes a retry answer as the first call did), list one's own records."""

from __future__ import annotations

from django.db.models import QuerySet
from ninja import Router, Status
from ninja.pagination import paginate

from jinqi.accounts.http import AuthenticatedRequest
from jinqi.core.permissions import declares, ensure_capability
from jinqi.credit import selectors, services
from jinqi.credit.models import CreditRecord
from jinqi.credit.permissions import DELIVER_RECORDS, VIEW_DEPARTMENT
from jinqi.credit.schemas import RecordOut, RecordPushIn

router = Router(tags=["credit"])


@router.post(
    "/records", response={200: RecordOut, 201: RecordOut}, openapi_extra=declares(DELIVER_RECORDS)
)
def record_push(request: AuthenticatedRequest, data: RecordPushIn) -> Status[CreditRecord]:
    """A department's system delivers one of its records as the caller's department: 201 when
    new, 200 with the stored record when the decision was delivered before."""
    ensure_capability(request.user, DELIVER_RECORDS)
    record, created = services.credit_record_deliver(
        uscc=data.uscc,
        data=services.RecordIn(
            kind=data.kind,
            severity=data.severity,
            domain=data.domain,
            decision_number=data.decision_number,
            decided_on=data.decided_on,
            summary=data.summary,
            legal_basis=data.legal_basis,
            fulfilled_on=data.fulfilled_on,
            min_months=data.min_months,
            max_months=data.max_months,
            period_basis=data.period_basis,
        ),
        acting_user=request.user,
    )
    return Status(201 if created else 200, record)


@router.get("/records", response=list[RecordOut], openapi_extra=declares(VIEW_DEPARTMENT))
@paginate
def records_list(request: AuthenticatedRequest) -> QuerySet[CreditRecord]:
    """The caller's department's records, newest decision first."""
    ensure_capability(request.user, VIEW_DEPARTMENT)
    return selectors.department_records(request.user).select_related("enterprise")
