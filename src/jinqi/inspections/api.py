"""The inspections API for department systems: publish items and plans, receive drawn tasks.
An item is stored once per department and code (pushed again, it is updated); an
Idempotency-Key makes a retried plan answer as the first call did.

No `from __future__ import annotations` here: Ninja reads the query parameters' types at
runtime."""

from django.db.models import QuerySet
from ninja import Router, Status
from ninja.pagination import paginate

from jinqi.accounts.http import AuthenticatedRequest
from jinqi.core.errors import DomainError
from jinqi.core.permissions import declares, ensure_capability
from jinqi.inspections import selectors, services
from jinqi.inspections.enums import TaskState
from jinqi.inspections.models import InspectionItem, Plan, Task
from jinqi.inspections.permissions import MANAGE, TASKS
from jinqi.inspections.schemas import (
    InspectionItemOut,
    InspectionPlanOut,
    ItemPushIn,
    PlanPushIn,
    TaskOut,
)

router = Router(tags=["inspections"])


@router.post(
    "/items",
    response={200: InspectionItemOut, 201: InspectionItemOut},
    openapi_extra=declares(MANAGE),
)
def item_push(request: AuthenticatedRequest, data: ItemPushIn) -> Status[InspectionItem]:
    """The caller's department creates or updates an item by its code (201 when new, 200 when
    updated), publishing it if asked."""
    ensure_capability(request.user, MANAGE)
    item, created = services.item_receive(
        data=services.ItemIn(
            code=data.code,
            name=data.name,
            legal_basis=data.legal_basis,
            content=data.content,
            standard=data.standard,
            risk_level=data.risk_level,
            no_disturb=data.no_disturb,
        ),
        publish=data.publish,
        acting_user=request.user,
    )
    return Status(201 if created else 200, item)


@router.get("/items", response=list[InspectionItemOut], openapi_extra=declares(MANAGE))
@paginate
def items_list(request: AuthenticatedRequest) -> QuerySet[InspectionItem]:
    """The caller's department's items, by code."""
    ensure_capability(request.user, MANAGE)
    return selectors.items_for(request.user)


@router.post("/plans", response={201: InspectionPlanOut}, openapi_extra=declares(MANAGE))
def plan_push(request: AuthenticatedRequest, data: PlanPushIn) -> Status[Plan]:
    """The caller's department files a plan: planned and triggered plans are filed at once, a
    special plan goes to the lead office for approval."""
    ensure_capability(request.user, MANAGE)
    codes = list(dict.fromkeys(data.item_codes))
    own = dict(selectors.items_for(request.user).filter(code__in=codes).values_list("code", "pk"))
    unknown = [code for code in codes if code not in own]
    if unknown:
        raise DomainError(services.unknown_items_message(unknown))
    plan = services.plan_receive(
        data=services.PlanIn(
            year=data.year,
            kind=data.kind,
            title=data.title,
            reason_kind=data.reason_kind or "",
            reason=data.reason,
            description=data.description,
            item_ids=[own[code] for code in codes],
        ),
        acting_user=request.user,
    )
    return Status(201, plan)


@router.get("/tasks", response=list[TaskOut], openapi_extra=declares(TASKS))
@paginate
def tasks_list(request: AuthenticatedRequest, state: TaskState | None = None) -> QuerySet[Task]:
    """The caller's department's tasks (drawn or given), by window end; `state` filters."""
    ensure_capability(request.user, TASKS)
    tasks = selectors.tasks_for(request.user)
    return tasks.filter(state=state) if state else tasks
