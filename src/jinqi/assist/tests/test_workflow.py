"""The declared workflows of bookings and improvement items: only their moves are possible, by
their actor, with optimistic locking."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from jinqi.accounts.tests.factories import department_user
from jinqi.assist import services
from jinqi.assist.enums import BookingState as B
from jinqi.assist.enums import ItemState as I
from jinqi.assist.models import Booking, ImprovementItem, Slot
from jinqi.assist.tests import factories as f
from jinqi.assist.workflow import BOOKING_WORKFLOW, ITEM_WORKFLOW, Actor
from jinqi.core import clock
from jinqi.core.errors import ConflictError
from jinqi.core.tests.workflow_matrix import assert_only_declared_moves
from jinqi.registry.selectors import enterprise_of

pytestmark = pytest.mark.django_db

BOOKING_EDGES = {
    (B.BOOKED, B.ASSIGNED),
    (B.ASSIGNED, B.ASSIGNED),
    (B.BOOKED, B.BOOKED),
    (B.ASSIGNED, B.BOOKED),
    (B.BOOKED, B.CANCELLED),
    (B.ASSIGNED, B.CANCELLED),
    (B.ASSIGNED, B.HELD),
    (B.ASSIGNED, B.MISSED),
    (B.HELD, B.HELD),
}
ITEM_EDGES = {
    (I.OPEN, I.IN_PROGRESS),
    (I.OPEN, I.OPEN),
    (I.IN_PROGRESS, I.OPEN),
    (I.OPEN, I.CLOSED),
    (I.IN_PROGRESS, I.CLOSED),
    (I.CLOSED, I.IN_PROGRESS),
}


@pytest.mark.parametrize(("source", "target"), list(itertools.product(B.values, B.values)))
def test_booking_moves_are_the_documented_ones(source: str, target: str) -> None:
    """Every pair of booking states is a documented edge (docs/assist.md) or no move at all."""
    assert ((source, target) in BOOKING_WORKFLOW.edges()) == ((source, target) in BOOKING_EDGES)


@pytest.mark.parametrize(("source", "target"), list(itertools.product(I.values, I.values)))
def test_item_moves_are_the_documented_ones(source: str, target: str) -> None:
    """Every pair of item states is a documented edge (docs/assist.md) or no move at all."""
    assert ((source, target) in ITEM_WORKFLOW.edges()) == ((source, target) in ITEM_EDGES)


def test_only_declared_booking_moves_by_their_actor() -> None:
    """Every state × action × actor of the booking workflow: allowed exactly as declared."""
    firm = f.firm_user()
    enterprise = enterprise_of(firm)
    assert enterprise is not None
    official = department_user("economy")
    window = f.window()
    days = itertools.count(1)

    def booking_in(state: str) -> Booking:
        slot = Slot.objects.create(
            window=window,
            day=clock.today() + dt.timedelta(days=next(days)),
            starts_at=dt.time(9),
            ends_at=dt.time(10),
            capacity=5,
            booked=1,
        )
        return Booking.objects.create(
            enterprise=enterprise,
            matter=f.matter(),
            slot=slot,
            state=state,
            booked_by=firm,
            official=official,
            created_at=clock.now(),
        )

    users: dict[str, object] = {
        Actor.ENTERPRISE: firm,
        Actor.CENTRE: f.centre_staff(),
        Actor.OFFICIAL: official,
    }
    assert assert_only_declared_moves(BOOKING_WORKFLOW, booking_in, users) > 50


def test_only_declared_item_moves_by_their_actor() -> None:
    """Every state × action × actor of the improvement-item workflow: allowed as declared."""
    first, official = f.routed()

    def item_in(state: str) -> ImprovementItem:
        return ImprovementItem.objects.create(
            booking=first.booking,
            kind=first.kind,
            description="材料不一致",
            department=first.department,
            state=state,
            raised_by=official,
            raised_on=clock.today(),
            due_on=first.due_on,
        )

    users: dict[str, object] = {
        Actor.OFFICIAL: official,
        Actor.DEPARTMENT: department_user("market-regulation"),
        Actor.LEAD_OFFICE: f.lead(),
    }
    assert assert_only_declared_moves(ITEM_WORKFLOW, item_in, users) > 30


def test_a_stale_page_conflicts() -> None:
    """Two staff acting on what they saw: the second one's step is refused as a conflict."""
    item, _official = f.routed()
    staff = department_user("market-regulation")
    seen = item.lock_version
    services.item_transition(
        item=item, action="accept", lock_version=seen, text="", acting_user=staff
    )
    stale = ImprovementItem.objects.get(pk=item.pk)
    with pytest.raises(ConflictError):
        services.item_transition(
            item=stale, action="close", lock_version=seen, text="已改", acting_user=staff
        )
