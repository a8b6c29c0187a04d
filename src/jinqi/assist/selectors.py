"""Reads of accompanied procedures, scoped by the user: another enterprise's booking or another
department's item is a 404, not a 403."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Count, F, Q, QuerySet
from django.http import Http404

from jinqi.accounts.models import Department, User
from jinqi.assist.enums import BookingState, ItemState
from jinqi.assist.models import (
    Booking,
    ImprovementItem,
    ItemQuerySet,
    Matter,
    RotaEntry,
    ServiceWindow,
    Slot,
)
from jinqi.assist.permissions import BOOK, SERVE, SUPERVISE
from jinqi.core import clock
from jinqi.core.memo import once_per_request
from jinqi.core.models import WorkflowStep
from jinqi.core.permissions import has_capability
from jinqi.core.workflow import Workflow

# How far ahead an enterprise may book.
BOOKING_HORIZON = dt.timedelta(days=30)


def bookings_visible_to(user: Any) -> QuerySet[Booking]:
    """The enterprise's own; a department's: at the windows it runs, the visits its staff
    accompany, and those whose difficulties were routed to it; the lead office's: all."""
    bookings = Booking.objects.select_related("enterprise", "matter", "slot__window", "official")
    if has_capability(user, SUPERVISE):
        return bookings
    if has_capability(user, BOOK) and user.enterprise_uscc:
        return bookings.filter(enterprise__uscc=user.enterprise_uscc)
    if has_capability(user, SERVE) and user.department_id:
        return bookings.filter(
            Q(slot__window__department_id=user.department_id)
            | Q(official=user)
            | Q(items__department_id=user.department_id)
        ).distinct()
    return bookings.none()


def booking_for(user: Any, pk: int) -> Booking:
    booking = bookings_visible_to(user).filter(pk=pk).first()
    if booking is None:
        raise Http404
    return booking


def items_visible_to(user: Any) -> ItemQuerySet:
    """A department's own items and those its staff raised; all for the lead office."""
    items: ItemQuerySet = ImprovementItem.objects.select_related(
        "booking__enterprise", "booking__matter", "department", "raised_by"
    )
    if has_capability(user, SUPERVISE):
        return items
    if has_capability(user, SERVE) and user.department_id:
        return items.filter(Q(department_id=user.department_id) | Q(raised_by=user))
    return items.none()


def item_for(user: Any, pk: int) -> ImprovementItem:
    item = items_visible_to(user).filter(pk=pk).first()
    if item is None:
        raise Http404
    return item


@dataclass(frozen=True)
class TimelineStep:
    at: dt.datetime
    action: str
    state: str
    actor: str
    text: str


def timeline(record: Booking | ImprovementItem, workflow: Workflow[Any]) -> list[TimelineStep]:
    """The record's workflow log, oldest first, in words."""
    steps = (
        WorkflowStep.objects.filter(workflow=record._meta.label_lower, object_id=record.pk)
        .select_related("actor")
        .order_by("at", "pk")
    )
    return [
        TimelineStep(
            at=step.at,
            action=str(workflow.transition(step.action).label),
            state=str(workflow.state_labels.get(step.to_state, "")),
            actor=(step.actor.full_name or step.actor.username) if step.actor else "",
            text=step.text,
        )
        for step in steps
    ]


def matters_offered() -> QuerySet[Matter]:
    return Matter.objects.filter(active=True).select_related("department")


def slots_bookable() -> QuerySet[Slot]:
    """Times an enterprise may book: upcoming, within the horizon, with room."""
    return (
        Slot.objects.upcoming()
        .with_room()
        .filter(day__lte=clock.today() + BOOKING_HORIZON)
        .select_related("window")
    )


def windows_run_by(user: Any) -> QuerySet[ServiceWindow]:
    if has_capability(user, SERVE) and user.department_id:
        return ServiceWindow.objects.filter(department_id=user.department_id, active=True)
    return ServiceWindow.objects.none()


def slots_of(user: Any) -> QuerySet[Slot]:
    """The upcoming times of the windows the user's department runs."""
    return Slot.objects.upcoming().filter(window__in=windows_run_by(user)).select_related("window")


def officials_on_duty(slot: Slot) -> QuerySet[RotaEntry]:
    """The rota's officials for the slot's window and weekday, the first one suggested."""
    return RotaEntry.objects.filter(
        window_id=slot.window_id, weekday=slot.day.weekday(), official__is_active=True
    ).select_related("official")


def official_choices(booking: Booking) -> list[tuple[User, str]]:
    """Officials the centre may assign: those on duty first (marked), then the rest of the
    window's rota."""
    entries = [
        *officials_on_duty(booking.slot),
        *RotaEntry.objects.filter(window_id=booking.slot.window_id, official__is_active=True)
        .select_related("official")
        .order_by("weekday"),
    ]
    chosen: dict[int, tuple[User, str]] = {}
    for entry in entries:
        chosen.setdefault(entry.official_id, (entry.official, entry.title))
    return list(chosen.values())


def departments_for_routing() -> QuerySet[Department]:
    return Department.objects.units().order_by("sort_order")


# -- to-do counts (web.todo): None when that work is not the user's ----------------------------


def todo_to_assign(user: Any) -> int | None:
    if not has_capability(user, SERVE) or not windows_run_by(user).exists():
        return None
    return Booking.objects.filter(
        state=BookingState.BOOKED, slot__window__in=windows_run_by(user)
    ).count()


def todo_visits(user: Any) -> int | None:
    if not has_capability(user, SERVE):
        return None
    return Booking.objects.filter(state=BookingState.ASSIGNED, official=user).count()


def todo_items(user: Any) -> int | None:
    """Open items of the user's department (the lead office: the overdue ones of all)."""
    if has_capability(user, SUPERVISE):
        return ImprovementItem.objects.overdue(clock.today()).count()
    if not has_capability(user, SERVE) or not user.department_id:
        return None
    return ImprovementItem.objects.open().filter(department_id=user.department_id).count()


# -- statistics (measures 10 and 66) ------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    booked: int
    held: int
    cancelled: int
    missed: int
    rated: int
    satisfaction: float | None  # mean rating, 1–5
    items: int
    items_open: int
    items_overdue: int
    items_closed: int
    items_closed_on_time: int

    @property
    def on_time_rate(self) -> float | None:
        return (
            round(100 * self.items_closed_on_time / self.items_closed, 1)
            if self.items_closed
            else None
        )


@once_per_request
def figures() -> Figures:
    """The figures of accompanied procedures and their improvement items, in two queries."""
    bookings = Booking.objects.aggregate(
        booked=Count("pk"),
        held=Count("pk", filter=Q(state=BookingState.HELD)),
        cancelled=Count("pk", filter=Q(state=BookingState.CANCELLED)),
        missed=Count("pk", filter=Q(state=BookingState.MISSED)),
        rated=Count("pk", filter=Q(rating__isnull=False)),
        satisfaction=Avg("rating"),
    )
    today = clock.today()
    closed = Q(state=ItemState.CLOSED)
    items = ImprovementItem.objects.aggregate(
        items=Count("pk"),
        items_open=Count("pk", filter=~closed),
        items_overdue=Count("pk", filter=~closed & Q(due_on__lt=today)),
        items_closed=Count("pk", filter=closed),
        items_closed_on_time=Count("pk", filter=closed & Q(closed_on__lte=F("due_on"))),
    )
    satisfaction = bookings.pop("satisfaction")
    return Figures(
        **bookings,
        satisfaction=round(float(satisfaction), 2) if satisfaction is not None else None,
        **items,
    )


def items_by_department() -> list[dict[str, Any]]:
    """Per department: items, open, overdue, closed on time (the lead office's table)."""
    today = clock.today()
    closed = Q(state=ItemState.CLOSED)
    return [
        dict(row)
        for row in ImprovementItem.objects.values("department__name")
        .annotate(
            total=Count("pk"),
            open=Count("pk", filter=~closed),
            overdue=Count("pk", filter=~closed & Q(due_on__lt=today)),
            on_time=Count("pk", filter=closed & Q(closed_on__lte=F("due_on"))),
        )
        .order_by("-overdue", "-total", "department__name")
    ]
