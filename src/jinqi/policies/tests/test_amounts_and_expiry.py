"""Amounts computed by the rules on the auto-grant pipeline (claims, budget, pro rata) and
offers that expire unanswered, their places going to the next in line (ADR 0017)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from jinqi.core import clock
from jinqi.core.errors import DomainError
from jinqi.notifications.models import Notification
from jinqi.policies.enums import Allocation, GrantState
from jinqi.policies.models import Grant, GrantTransition, Policy
from jinqi.policies.offers import offers_expire
from jinqi.policies.services import auto_grant_list_confirm, policy_publish
from jinqi.policies.tests.factories import employer, policy
from jinqi.policies.tests.test_pipeline import _enterprise_user, _staff
from jinqi.registry.tests.factories import enterprise, facts, industry

pytestmark = pytest.mark.django_db

HALF_PER_EMPLOYEE: dict[str, Any] = {
    "amount_expression": "employees * 0.5",
    "amount_calculation": "从业人数 {employees} × 0.5 万元 ＝ {amount}",
    "needs_confirmation": True,
}
MONDAY = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)


def _lined_up(item: Policy) -> list[Grant]:
    staff = _staff()
    policy_publish(policy=item, acting_user=staff)
    auto_grant_list_confirm(policy=item, acting_user=staff)
    return list(Grant.objects.filter(policy=item).order_by("position"))


def test_each_grant_claims_its_computed_amount_with_the_calculation() -> None:
    """Lined up, each enterprise's grant holds the amount computed from its own profile, to the
    yuan, and the calculation in words with its values and units."""
    employer(4), employer(9)
    grants = _lined_up(policy(_staff(), **HALF_PER_EMPLOYEE))
    assert {g.claimed for g in grants} >= {Decimal("2.0000"), Decimal("4.5000")}
    four = next(g for g in grants if g.claimed == Decimal(2))
    assert four.amount == Decimal(2) and four.state == GrantState.OFFERED
    assert four.calculation == "从业人数 4 人 × 0.5 万元 ＝ 2 万元"


def test_a_budget_offers_computed_claims_in_line_order_while_it_covers_them() -> None:
    """Budget 6 for claims 2, 5, 1 in line order: the first is offered; the second does not
    fit, so it and everyone behind it wait (no one jumps the line)."""
    for people in (4, 10, 2):
        employer(people)
    grants = _lined_up(policy(_staff(), budget="6", **HALF_PER_EMPLOYEE))
    claims = [g.claimed or Decimal(0) for g in grants]
    states = [g.state for g in grants]
    first_too_big = next(i for i in range(len(claims)) if sum(claims[: i + 1]) > 6)
    assert all(s == GrantState.OFFERED for s in states[:first_too_big])
    assert all(s == GrantState.WAITING for s in states[first_too_big:])


def test_pro_rata_cuts_computed_claims_in_proportion() -> None:
    """Pro rata with claims 2 and 6 and a budget of 4: each gets half its claim."""
    employer(4), employer(12)
    item = policy(_staff(), budget="4", allocation=Allocation.PRO_RATA, **HALF_PER_EMPLOYEE)
    grants = _lined_up(item)
    cut = {g.claimed: g.amount for g in grants}
    assert cut[Decimal(2)] == Decimal("1.00") and cut[Decimal(6)] == Decimal("3.00")
    assert sum(g.amount or 0 for g in grants) <= Decimal(4)


def test_an_amount_that_is_not_a_number_is_refused_and_nothing_is_created() -> None:
    """An amount written as a condition is refused with a message; no policy is created."""
    with pytest.raises(DomainError, match="金额必须是数值"):
        policy(_staff(), code="test-bad-amount", amount_expression="employees <= 30")
    assert not Policy.objects.filter(code="test-bad-amount").exists()


def test_an_unanswered_offer_expires_and_the_next_in_line_is_offered() -> None:
    """Offered on a Monday with 2 working days to answer: reminded on its last day, expired
    the working day after, logged; the next in line is offered the place and notified."""
    first, second = employer(5), employer(6)
    owners = {f.pk: _enterprise_user(f) for f in (first, second)}
    with clock.frozen_at(MONDAY):
        item = policy(_staff(), quota=1, offer_expiry_days=2, **HALF_PER_EMPLOYEE)
        offered, waiting = _lined_up(item)[:2]
    assert offered.state == GrantState.OFFERED and offered.expires_on == dt.date(2026, 12, 9)
    with clock.frozen_at(MONDAY + dt.timedelta(days=2)):
        assert offers_expire() == 0
    reminder = Notification.objects.filter(
        recipient=owners[offered.enterprise_id], title__contains="2026-12-09"
    )
    assert reminder.count() == 1
    with clock.frozen_at(MONDAY + dt.timedelta(days=3)):
        assert offers_expire() == 1
        assert offers_expire() == 0  # once
    offered.refresh_from_db()
    waiting.refresh_from_db()
    assert offered.state == GrantState.EXPIRED
    assert GrantTransition.objects.filter(grant=offered, to_state=GrantState.EXPIRED).exists()
    assert waiting.state == GrantState.OFFERED
    assert waiting.expires_on == dt.date(2026, 12, 14)
    assert Notification.objects.filter(recipient=owners[waiting.enterprise_id]).exists()


def test_policies_for_me_shows_an_estimate_with_its_inputs_and_sources() -> None:
    """An eligible R&D firm reads what the super deduction is worth, labelled as an estimate,
    with the figures it was computed from and who supplied them."""
    firm = enterprise(industry=industry("C3511", "化学原料制造"))
    facts(firm, "tax-jinshan", dt.date(2026, 6, 30), rd_expense_2025=200)
    facts(firm, "science", dt.date(2026, 6, 30), is_high_tech=True)
    client = Client()
    client.force_login(_enterprise_user(firm))
    page = client.get(reverse("policies:mine")).content.decode()
    card = page.split('id="eligible"')[1].split('id="unknown"')[0]
    section = card.split("研发费用税前加计扣除")[1].split("</article>")[0]
    assert "优惠测算" in section and "估算" in section
    assert "30 万元" in section
    assert "来源：金山税务局" in section and "来源：区科委" in section
