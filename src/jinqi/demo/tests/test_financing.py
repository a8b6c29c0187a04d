"""The financing demo: four institutions, requests in every state, consents in force, read,
withdrawn and expired; a second load keeps what is there."""

from __future__ import annotations

import pytest

from jinqi.core import clock
from jinqi.demo.accounts import DEMO_ENTERPRISE_USCC, demo_accounts_load
from jinqi.demo.financing import demo_financing_load
from jinqi.financing.enums import ConsentStatus, RequestState
from jinqi.financing.models import Consent, FinancingRequest, Institution, PackageRead
from jinqi.registry.tests.factories import enterprise

pytestmark = pytest.mark.django_db


def test_demo_financing_has_every_state() -> None:
    """Every request state, an escalated request, and consents of every status are there."""
    demo_accounts_load(print)
    enterprise(uscc=DEMO_ENTERPRISE_USCC)
    for _n in range(60):
        enterprise()
    demo_financing_load(print)
    assert Institution.objects.count() == 4
    states = set(FinancingRequest.objects.values_list("state", flat=True))
    assert states == set(RequestState.values)
    assert FinancingRequest.objects.filter(escalated_on__isnull=False).exists()
    today = clock.today()
    statuses = {c.status_on(today) for c in Consent.objects.all()}
    assert {ConsentStatus.IN_FORCE, ConsentStatus.WITHDRAWN, ConsentStatus.EXPIRED} <= statuses
    assert PackageRead.objects.exists()
    demo_financing_load(print)
    assert Institution.objects.count() == 4
