"""The demo's offers live at the demo clock's date: the park's auto-grant is valid this year and
the output milestone reads the three years before it, its offers made and expiring this year."""

from __future__ import annotations

import datetime as dt

import pytest

from jinqi.core import clock
from jinqi.demo.policies import DEMO_CODE, MILESTONE_CODE, demo_policies_load
from jinqi.policies.models import Grant, Policy
from jinqi.registry.tests.factories import enterprise, industry

pytestmark = pytest.mark.django_db


def test_the_demo_offers_follow_the_demo_clock_not_a_fixed_year() -> None:
    """Run in 2028, the park's subsidy is valid in 2028, and the largest industrial enterprise
    first passing 10亿 in 2027 is offered 20 万元, offered and expiring in 2028."""
    manufacturing = industry("C2614")
    for _number in range(5):
        enterprise(industry=manufacturing)
    with clock.frozen_at(dt.datetime(2028, 5, 4, 9, 0)):
        demo_policies_load(lambda _message: None)
    park = Policy.objects.get(code=DEMO_CODE)
    assert (park.valid_from, park.valid_until) == (dt.date(2028, 1, 1), dt.date(2028, 12, 31))
    offers = Grant.objects.filter(policy__code=MILESTONE_CODE, amount__isnull=False)
    assert offers.exists()
    for offer in offers:
        assert offer.offered_at is not None and offer.offered_at.year == 2028
        assert offer.expires_on is not None and offer.expires_on.year == 2028
