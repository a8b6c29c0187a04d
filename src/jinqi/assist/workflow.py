"""The two workflows of accompanied procedures, declared once and enforced by `core.workflow`
(ADR 0012); steps are logged in core's WorkflowStep.

A booking:

    booked ──assign──► assigned ──hold──► held ──rate──► held (rated)
      │ ▲                │  │
      │ └─reschedule─────┘  └──miss──► missed
      └──cancel (booked or assigned)──► cancelled

An improvement item (a difficulty met during a held visit):

    (route) ──► open ──accept──► in progress ──close──► closed ──reopen──► in progress
                 ▲ └────────────────close─────────────────┘
                 └── transfer (department) / reassign (lead office), from open or in progress
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from jinqi.accounts.selectors import department_staff, enterprise_users, lead_office_users
from jinqi.assist.enums import BookingState as B
from jinqi.assist.enums import ItemState as I
from jinqi.assist.models import Booking, ImprovementItem
from jinqi.assist.permissions import (
    SUPERVISE,
    is_booker,
    is_official,
    runs_window,
    works_item,
)
from jinqi.audit.enums import AuditAction
from jinqi.audit.services import audit_record, snapshot
from jinqi.core.errors import PermissionDenied
from jinqi.core.permissions import has_capability
from jinqi.core.workflow import Step, Transition, Workflow
from jinqi.notifications.services import notification_send


class Actor(StrEnum):
    ENTERPRISE = "enterprise"  # a user of the booking enterprise
    CENTRE = "centre"  # staff of the department running the window
    OFFICIAL = "official"  # the official assigned to the booking
    DEPARTMENT = "department"  # staff of the department an improvement item is routed to
    LEAD_OFFICE = "lead_office"


class Action(StrEnum):
    BOOK = "book"
    ASSIGN = "assign"
    RESCHEDULE = "reschedule"
    CANCEL = "cancel"
    HOLD = "hold"
    MISS = "miss"
    RATE = "rate"
    ROUTE = "route"
    ACCEPT = "accept"
    TRANSFER = "transfer"
    REASSIGN = "reassign"
    CLOSE = "close"
    REOPEN = "reopen"


def _authorize_booking(booking: Booking, actor: str, user: Any) -> None:
    if actor == Actor.ENTERPRISE:
        if not is_booker(user, booking):
            raise PermissionDenied(_("Only the enterprise that booked can do this."))
    elif actor == Actor.CENTRE:
        if not runs_window(user, booking.slot.window):
            raise PermissionDenied(_("Only the service centre running the window can do this."))
    elif not is_official(user, booking):
        raise PermissionDenied(_("Only the official accompanying the procedure can do this."))


def _authorize_item(item: ImprovementItem, actor: str, user: Any) -> None:
    if actor == Actor.OFFICIAL:
        if not is_official(user, item.booking):
            raise PermissionDenied(_("Only the official accompanying the procedure can do this."))
    elif actor == Actor.LEAD_OFFICE:
        if not has_capability(user, SUPERVISE):
            raise PermissionDenied(_("Only the lead office can do this."))
    elif not works_item(user, item):
        raise PermissionDenied(_("Only the department the item is routed to can do this."))


def _not_rated(booking: Booking) -> str | None:
    return _("The procedure has been rated already.") if booking.rating is not None else None


def _audit(step: Step[Any]) -> None:
    """A started record is audited as created, every other step as a transition with what it
    changed (texts stay in the step's log)."""
    record = step.record
    if not step.source:
        audit_record(
            actor=step.actor, action=AuditAction.CREATE, target=record, after=snapshot(record)
        )
        return
    changed = ["state", *(n for n in step.before if n not in ("record", "answer", "note"))]
    audit_record(
        actor=step.actor,
        action=AuditAction.TRANSITION,
        target=record,
        before={
            "state": step.source,
            **{k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in step.before.items()},
        },
        after=snapshot(record, changed),
        note=step.text[:300],
    )


def _notify_booking(step: Step[Booking]) -> None:
    """The enterprise hears what the centre or official did; the centre of a new, moved or
    cancelled booking; an assigned official of the booking."""
    booking = step.record
    action = step.transition.action
    title = _("Accompanied procedure %(ref)s: %(state)s") % {
        "ref": booking.reference,
        "state": B(booking.state).label,
    }
    link = reverse("assist:booking", args=[booking.pk])
    if step.transition.actor == Actor.ENTERPRISE:
        notification_send(
            recipients=department_staff(booking.slot.window.department),
            kind="assist.booking",
            title=title,
            body=f"{booking.matter} · {booking.slot}",
            link=link,
        )
        return
    notification_send(
        recipients=enterprise_users([booking.enterprise.uscc]),
        kind="assist.booking",
        title=title,
        body=step.text or f"{booking.matter} · {booking.slot}",
        link=link,
    )
    if action == Action.ASSIGN and booking.official is not None:
        notification_send(
            recipients=[booking.official],
            kind="assist.assigned",
            title=_("You accompany %(ref)s on %(when)s")
            % {
                "ref": booking.reference,
                "when": f"{booking.slot.day:%Y-%m-%d} {booking.slot.starts_at:%H:%M}",
            },
            body=f"{booking.enterprise.name} · {booking.matter}",
            link=link,
        )


def _notify_item(step: Step[ImprovementItem]) -> None:
    """The responsible department hears of an item routed or handed to it; the official who
    raised it of its closing; the lead office of a reopening it decided."""
    item = step.record
    link = reverse("assist:item", args=[item.pk])
    action = step.transition.action
    if action in (Action.ROUTE, Action.TRANSFER, Action.REASSIGN, Action.REOPEN):
        notification_send(
            recipients=department_staff(item.department),
            kind="assist.item",
            title=_("Improvement item %(ref)s for your department, due %(day)s")
            % {"ref": item.reference, "day": item.due_on.isoformat()},
            body=item.description,
            link=link,
        )
    elif action == Action.CLOSE:
        notification_send(
            recipients=[item.raised_by, *lead_office_users()],
            kind="assist.item",
            title=_("Improvement item %(ref)s closed") % {"ref": item.reference},
            body=step.text,
            link=link,
        )


def _move(
    action: Action, sources: Iterable[str], target: str, actor: Actor, label: Any, **more: Any
) -> Transition:
    return Transition(action, frozenset(sources), target, actor, label, **more)


LIVE = [B.BOOKED, B.ASSIGNED]

BOOKING_WORKFLOW: Workflow[Booking] = Workflow(
    model=Booking,
    transitions=[
        _move(Action.BOOK, [""], B.BOOKED, Actor.ENTERPRISE, gettext_lazy("Book")),
        _move(Action.ASSIGN, LIVE, B.ASSIGNED, Actor.CENTRE, gettext_lazy("Assign an official")),
        _move(Action.RESCHEDULE, LIVE, B.BOOKED, Actor.ENTERPRISE, gettext_lazy("Reschedule")),
        _move(Action.CANCEL, LIVE, B.CANCELLED, Actor.ENTERPRISE, gettext_lazy("Cancel")),
        _move(
            Action.HOLD,
            [B.ASSIGNED],
            B.HELD,
            Actor.OFFICIAL,
            gettext_lazy("Record the visit"),
            needs_text=True,
        ),
        _move(
            Action.MISS,
            [B.ASSIGNED],
            B.MISSED,
            Actor.OFFICIAL,
            gettext_lazy("Did not take place"),
            needs_text=True,
        ),
        _move(
            Action.RATE,
            [B.HELD],
            B.HELD,
            Actor.ENTERPRISE,
            pgettext_lazy("assist", "Rate"),
            guard=_not_rated,
        ),
    ],
    authorize=_authorize_booking,
    state_labels=dict(B.choices),
    conflict=gettext_lazy("Someone else changed this booking first; reload it."),
    final=frozenset({B.CANCELLED, B.MISSED}),
    effects=(_audit, _notify_booking),
)

WORKING = [I.OPEN, I.IN_PROGRESS]

ITEM_WORKFLOW: Workflow[ImprovementItem] = Workflow(
    model=ImprovementItem,
    transitions=[
        _move(Action.ROUTE, [""], I.OPEN, Actor.OFFICIAL, gettext_lazy("Route")),
        _move(Action.ACCEPT, [I.OPEN], I.IN_PROGRESS, Actor.DEPARTMENT, gettext_lazy("Accept")),
        _move(
            Action.TRANSFER,
            WORKING,
            I.OPEN,
            Actor.DEPARTMENT,
            gettext_lazy("Transfer to another department"),
            needs_text=True,
        ),
        _move(
            Action.REASSIGN,
            WORKING,
            I.OPEN,
            Actor.LEAD_OFFICE,
            gettext_lazy("Reassign to another department"),
            needs_text=True,
        ),
        _move(
            Action.CLOSE,
            WORKING,
            I.CLOSED,
            Actor.DEPARTMENT,
            gettext_lazy("Close"),
            needs_text=True,
        ),
        _move(
            Action.REOPEN,
            [I.CLOSED],
            I.IN_PROGRESS,
            Actor.LEAD_OFFICE,
            pgettext_lazy("assist", "Reopen"),
            needs_text=True,
        ),
    ],
    authorize=_authorize_item,
    state_labels=dict(I.choices),
    conflict=gettext_lazy("Someone else changed this improvement item first; reload it."),
    effects=(_audit, _notify_item),
)
