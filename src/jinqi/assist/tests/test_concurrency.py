"""Fifty enterprises booking the last places of one slot at the same moment, in real
transactions on separate connections: exactly the capacity is booked, everyone else is told the
time is full, and the counter never passes the capacity (ADR 0023)."""

from __future__ import annotations

import pytest

from jinqi.assist import services
from jinqi.assist.models import Booking
from jinqi.assist.tests import factories as f
from jinqi.core.tests.concurrency import THREADS, at_once, refusals


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_fifty_bookings_at_once_fill_the_capacity_and_no_more() -> None:
    """Three places, fifty enterprises at once: three bookings, forty-seven refusals saying the
    time is full, and the slot counts three."""
    slot = f.slot(capacity=3)
    matter = f.matter()
    users = [f.firm_user() for _ in range(THREADS)]

    outcomes = at_once(
        lambda user: services.booking_book(
            matter=matter, slot=slot, note="", contact_phone="", acting_user=user
        ),
        prepare=lambda index: users[index],
    )

    slot.refresh_from_db()
    assert slot.booked == 3
    assert Booking.objects.filter(slot=slot).count() == 3
    refused = refusals(outcomes)
    assert len(refused) == THREADS - 3
    assert all("fully booked" in error.message or "约满" in error.message for error in refused)
