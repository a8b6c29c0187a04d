"""Who may do what with accompanied procedures. Enterprises book, reschedule, cancel and rate
their own; the department running a window (the service centre) assigns officials from its rota;
the assigned official records the visit and its difficulties; the department an improvement item
is routed to works it until closed; the lead office watches everything, reassigns and reopens."""

from __future__ import annotations

from typing import Any

from jinqi.accounts.enums import Role
from jinqi.accounts.models import User
from jinqi.core.permissions import has_capability, register_capabilities

BOOK = "assist.book"  # book an accompanied procedure, reschedule, cancel, rate it
SERVE = "assist.serve"  # a window's bookings, the rota, the visit record, improvement items
SUPERVISE = "assist.supervise"  # every booking and item, overdue items, statistics, reassign
VIEW = "assist.view"  # a booking's page (own enterprise's, own window's, own visit, or all)
WORK = "assist.work"  # the queues of bookings and improvement items

register_capabilities(
    {
        BOOK: {Role.ENTERPRISE},
        SERVE: {Role.DEPARTMENT},
        SUPERVISE: {Role.LEAD_OFFICE},
        VIEW: {Role.ENTERPRISE, Role.DEPARTMENT, Role.LEAD_OFFICE},
        WORK: {Role.DEPARTMENT, Role.LEAD_OFFICE},
    }
)


def is_booker(user: User, booking: Any) -> bool:
    """A user of the enterprise that booked."""
    return (
        has_capability(user, BOOK)
        and bool(user.enterprise_uscc)
        and user.enterprise_uscc == booking.enterprise.uscc
    )


def runs_window(user: User, window: Any) -> bool:
    """Staff of the department running the window (the service centre)."""
    return has_capability(user, SERVE) and user.department_id == window.department_id


def is_official(user: User, booking: Any) -> bool:
    """The official assigned to accompany the booking."""
    return has_capability(user, SERVE) and booking.official_id == user.pk


def works_item(user: User, item: Any) -> bool:
    """Staff of the department the improvement item is routed to."""
    return has_capability(user, SERVE) and user.department_id == item.department_id
