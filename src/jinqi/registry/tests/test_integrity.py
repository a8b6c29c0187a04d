"""Links without a database constraint are kept sound by the ORM, and strays are found."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from jinqi.accounts.models import Department
from jinqi.core import clock
from jinqi.registry.integrity import orphans
from jinqi.registry.models import Delivery, DeliveryLayout
from jinqi.registry.tests.factories import enterprise, facts

pytestmark = pytest.mark.django_db


def test_deleting_an_enterprise_leaves_no_stray_delivery_or_profile() -> None:
    """The ORM deletes an enterprise's deliveries and profile with it: every count stays zero."""
    firm = enterprise()
    facts(firm, "tax-jinshan", dt.date(2025, 5, 31), revenue_2024=300)
    enterprise()
    firm.delete()
    assert set(orphans().values()) == {0}
    call_command("registry", "check-links", stdout=io.StringIO())


def test_a_delivery_of_no_enterprise_is_found() -> None:
    """A delivery written past the ORM for an enterprise that does not exist is counted, and
    the command fails."""
    layout = DeliveryLayout.objects.create(refs=["core_ip_count"], digest="0" * 64)
    Delivery.objects.create(
        enterprise_id=987_654,
        source=Department.objects.get(code="science"),
        as_of=dt.date(2025, 1, 1),
        recorded_at=clock.now(),
        layout=layout,
        values=[1],
    )
    assert orphans()["registry.delivery.enterprise"] == 1
    with pytest.raises(CommandError):
        call_command("registry", "check-links", stdout=io.StringIO())
