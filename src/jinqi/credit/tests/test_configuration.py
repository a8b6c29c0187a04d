"""The lead office's sampling ratios per risk class: invariants enforced, data unchanged when
refused; the pages answer their roles."""

from __future__ import annotations

from decimal import Decimal
from typing import cast

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from jinqi.accounts.models import User
from jinqi.accounts.tests.factories import UserFactory, department_user
from jinqi.core.errors import DomainError, PermissionDenied
from jinqi.credit.models import SamplingRatio
from jinqi.credit.selectors import sampling_percent
from jinqi.credit.services import sampling_ratios_set

pytestmark = pytest.mark.django_db


def _percents(a: str, b: str, c: str, d: str) -> dict[str, Decimal]:
    return {"A": Decimal(a), "B": Decimal(b), "C": Decimal(c), "D": Decimal(d)}


def _stored() -> dict[str, Decimal]:
    return dict(SamplingRatio.objects.values_list("risk_class", "percent"))


def test_the_lead_office_sets_non_decreasing_ratios() -> None:
    """A ≤ B ≤ C ≤ D with A above zero is saved and read back by class."""
    lead = cast(User, UserFactory())
    sampling_ratios_set(
        percents=_percents("2", "5", "5", "100"), visits={"A": Decimal("0.5")}, acting_user=lead
    )
    assert sampling_percent("B") == Decimal("5")
    assert sampling_percent("D") == Decimal("100")


@pytest.mark.parametrize(
    ("percents", "message"),
    [
        (_percents("0", "5", "20", "100"), "above zero"),
        (_percents("5", "4", "20", "100"), "may not be lower"),
        (_percents("5", "20", "60", "50"), "may not be lower"),
        (_percents("5", "20", "60", "101"), "exceed 100"),
    ],
)
def test_ratios_breaking_the_invariants_are_refused(
    percents: dict[str, Decimal], message: str
) -> None:
    """ratio(A) > 0 and non-decreasing from A to D: otherwise a message, nothing changed."""
    before = _stored()
    with translation.override("en"), pytest.raises(DomainError, match=message):
        sampling_ratios_set(percents=percents, visits={}, acting_user=cast(User, UserFactory()))
    assert _stored() == before


def test_only_the_lead_office_sets_ratios() -> None:
    """A department cannot change the ratios."""
    with pytest.raises(PermissionDenied):
        sampling_ratios_set(
            percents=_percents("5", "20", "60", "100"),
            visits={},
            acting_user=department_user("market-regulation"),
        )


def test_the_ratio_form_refuses_a_decreasing_ratio_with_a_message() -> None:
    """Posted through the lead office's page, a bad set is refused with a Chinese message."""
    client = Client()
    client.force_login(cast(User, UserFactory()))
    before = _stored()
    data = {f"percent_{c}": v for c, v in zip("ABCD", ["30", "20", "60", "100"], strict=True)}
    response = client.post(reverse("credit:ratios"), data, follow=True)
    assert "不得低于" in response.text
    assert _stored() == before
    page = client.get(reverse("credit:lead"))
    assert page.status_code == 200 and "抽查比例" in page.text
