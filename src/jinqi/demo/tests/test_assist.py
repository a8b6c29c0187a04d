"""The demo's month of accompanied procedures: bookings and improvement items in several states,
loaded once."""

from __future__ import annotations

import pytest

from jinqi.assist.models import Booking, ImprovementItem
from jinqi.demo.accounts import demo_accounts_load
from jinqi.demo.assist import demo_assist_load
from jinqi.registry.tests.factories import enterprise

pytestmark = pytest.mark.django_db


def test_a_month_of_procedures_with_items_in_several_states() -> None:
    """Held, cancelled, missed and waiting bookings; open, worked, closed and overdue items;
    a second load keeps what is there."""
    demo_accounts_load(lambda _line: None)
    for _ in range(4):
        enterprise()
    lines: list[str] = []
    demo_assist_load(lines.append)
    states = set(Booking.objects.values_list("state", flat=True))
    assert {"held", "cancelled", "missed", "booked", "assigned"} <= states
    items = set(ImprovementItem.objects.values_list("state", flat=True))
    assert {"open", "in_progress", "closed"} <= items
    assert Booking.objects.filter(rating__isnull=False).exists()
    count = Booking.objects.count()
    demo_assist_load(lines.append)
    assert Booking.objects.count() == count
    assert "already loaded" in lines[-1]
