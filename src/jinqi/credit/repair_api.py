"""The credit-repair API for department systems: read the repair applications for the caller's
department and decide them (a token scoped to `credit.repair`; POST with an Idempotency-Key, and
the `lock_version` read, so a retried or stale decision is never applied twice)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.db.models import QuerySet
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from jinqi.accounts.http import AuthenticatedRequest
from jinqi.core.permissions import declares, ensure_capability
from jinqi.core.schemas import MultiLineText
from jinqi.credit import repairs
from jinqi.credit.models import RepairApplication
from jinqi.credit.repair_permissions import REPAIR

router = Router(tags=["credit"])


class RepairOut(Schema):
    id: int
    uscc: str = Field(..., alias="enterprise.uscc")
    enterprise: str = Field(..., alias="enterprise.name")
    decision_number: str = Field(..., alias="record.decision_number")
    record_status: str = Field(..., alias="record.status")
    state: str
    statement: str
    applied_at: dt.datetime
    accept_due: dt.date
    decide_due: dt.date | None
    extension_reason: str
    decision_text: str
    lock_version: int
    materials: list[str]

    @staticmethod
    def resolve_materials(application: RepairApplication) -> list[str]:
        return [m.label for m in application.materials.all()]


class DecisionIn(Schema):
    action: Literal["accept", "not_accept", "extend", "approve", "reject"]
    lock_version: int = Field(..., ge=0)
    text: MultiLineText = Field("", max_length=2000)
    extension_days: int = Field(repairs.MAX_EXTENSION, ge=1, le=repairs.MAX_EXTENSION)


@router.get("/repairs", response=list[RepairOut], openapi_extra=declares(REPAIR))
@paginate
def repairs_list(request: AuthenticatedRequest) -> QuerySet[RepairApplication]:
    """The repair applications for the caller's department, newest first."""
    ensure_capability(request.user, REPAIR)
    return repairs.repairs_visible_to(request.user).prefetch_related("materials")


@router.get("/repairs/{repair_id}", response=RepairOut, openapi_extra=declares(REPAIR))
def repair_get(request: AuthenticatedRequest, repair_id: int) -> RepairApplication:
    ensure_capability(request.user, REPAIR)
    return repairs.repair_for(request.user, repair_id)


@router.post("/repairs/{repair_id}/decision", response=RepairOut, openapi_extra=declares(REPAIR))
def repair_decide(
    request: AuthenticatedRequest, repair_id: int, data: DecisionIn
) -> RepairApplication:
    """Accept, refuse to accept, extend, approve or refuse (send an Idempotency-Key)."""
    ensure_capability(request.user, REPAIR)
    application = repairs.repair_for(request.user, repair_id)
    return repairs.repair_transition(
        application=application,
        action=data.action,
        lock_version=data.lock_version,
        text=data.text,
        extension_days=data.extension_days,
        acting_user=request.user,
    )
