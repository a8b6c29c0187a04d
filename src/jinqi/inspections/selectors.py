"""Reads of inspections, scoped by the user: a department sees its own, the lead office every
department's; another department's record is a 404. The public reads (一公开) take no user."""

from __future__ import annotations

from typing import TypeVar

from django.db.models import QuerySet
from django.http import Http404

from jinqi.accounts.models import User
from jinqi.core.permissions import has_capability
from jinqi.inspections import permissions
from jinqi.inspections.enums import PlanState
from jinqi.inspections.models import (
    Checklist,
    Draw,
    InspectionItem,
    Inspector,
    InspectorConflict,
    Plan,
    Task,
)
from jinqi.inspections.sampling import Member
from jinqi.registry.models import Enterprise

# An enterprise the market-regulation system has not classed yet is drawn as class B
# (ordinary risk): no enterprise is exempt from sampling (docs/adr/0018-inspections.md).
UNCLASSED_AS = "B"
CLASSES = frozenset("ABCD")

M = TypeVar("M", InspectionItem, Checklist, Plan, Inspector, Draw, Task)


def _scoped(user: User, queryset: QuerySet[M], capability: str) -> QuerySet[M]:
    if has_capability(user, permissions.OVERSEE):
        return queryset
    if has_capability(user, capability) and user.department_id is not None:
        return queryset.filter(department_id=user.department_id)
    raise Http404


def _one(queryset: QuerySet[M], pk: int) -> M:
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def items_for(user: User) -> QuerySet[InspectionItem]:
    return _scoped(user, InspectionItem.objects.select_related("department"), permissions.MANAGE)


def item_for(user: User, pk: int) -> InspectionItem:
    return _one(items_for(user), pk)


def items_usable() -> QuerySet[InspectionItem]:
    """Items any department may put on a checklist or a visit: the published ones."""
    return InspectionItem.objects.published().select_related("department")


def checklists_for(user: User) -> QuerySet[Checklist]:
    return _scoped(
        user,
        Checklist.objects.select_related("department").prefetch_related("items"),
        permissions.MANAGE,
    )


def checklist_for(user: User, pk: int) -> Checklist:
    return _one(checklists_for(user), pk)


def plans_for(user: User) -> QuerySet[Plan]:
    if has_capability(user, permissions.APPROVE_PLANS):
        return Plan.objects.select_related("department")
    return _scoped(user, Plan.objects.select_related("department"), permissions.MANAGE)


def plan_for(user: User, pk: int) -> Plan:
    return _one(plans_for(user), pk)


def plans_filed_for(user: User) -> QuerySet[Plan]:
    """The plans a department may draw under or give tasks under: its own, filed."""
    return _scoped(user, Plan.objects.all(), permissions.DRAW).filter(state=PlanState.FILED)


def plans_awaiting_approval() -> QuerySet[Plan]:
    return Plan.objects.filter(state=PlanState.SUBMITTED).select_related("department")


def roster_for(user: User) -> QuerySet[Inspector]:
    return _scoped(user, Inspector.objects.select_related("department"), permissions.MANAGE)


def inspector_for(user: User, pk: int) -> Inspector:
    return _one(roster_for(user), pk)


def conflicts_for(user: User) -> QuerySet[InspectorConflict]:
    inspectors = roster_for(user)
    return InspectorConflict.objects.filter(inspector__in=inspectors).select_related(
        "inspector", "enterprise"
    )


def draws_for(user: User) -> QuerySet[Draw]:
    return _scoped(
        user, Draw.objects.select_related("department", "plan", "town"), permissions.DRAW
    )


def draw_for(user: User, pk: int) -> Draw:
    return _one(draws_for(user), pk)


def tasks_for(user: User) -> QuerySet[Task]:
    return _scoped(
        user,
        Task.objects.select_related("enterprise", "plan", "draw").prefetch_related(
            "items", "inspectors"
        ),
        permissions.TASKS,
    )


# The public (一公开): every draw, with what the page publishes and nothing of the population.


def draws_public() -> QuerySet[Draw]:
    return Draw.objects.select_related("department", "plan", "town").defer(
        "population", "roster", "conflicts", "class_counts"
    )


def draw_public(number: str) -> Draw:
    found = draws_public().filter(number=number).first()
    if found is None:
        raise Http404
    return found


def draw_population(*, industry_prefix: str, town_id: int | None, size_class: str) -> list[Member]:
    """The active enterprises matching every filter given, with their market-regulation credit
    class (unclassed ones as class B)."""
    enterprises = Enterprise.objects.active()
    if industry_prefix:
        enterprises = enterprises.filter(industry__code__startswith=industry_prefix)
    if town_id is not None:
        enterprises = enterprises.filter(town_id=town_id)
    if size_class:
        enterprises = enterprises.filter(profile__size_class=size_class)
    return [
        Member(risk_class if risk_class in CLASSES else UNCLASSED_AS, uscc)
        for uscc, risk_class in enterprises.values_list("uscc", "profile__market_risk_class")
    ]
