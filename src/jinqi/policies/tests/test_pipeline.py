"""The auto-grant pipeline (免申即享): 比对 → 推送 → 意愿确认 → 兑付 → 公示."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import cast

import pytest

from jinqi.accounts.models import User
from jinqi.accounts.tests.factories import UserFactory, department_user
from jinqi.core import clock
from jinqi.core.errors import DomainError, PermissionDenied
from jinqi.notifications.models import Notification
from jinqi.policies.enums import Allocation, GrantState, Outcome
from jinqi.policies.models import Grant, GrantTransition, Match
from jinqi.policies.services import (
    auto_grant_list_confirm,
    awards_publish,
    grant_confirm,
    grant_decline,
    grant_disburse,
    matches_refresh_changed,
    policy_publish,
    rule_version_create,
)
from jinqi.policies.tests.factories import employer, policy
from jinqi.registry.models import Enterprise
from jinqi.registry.tests.factories import facts

pytestmark = pytest.mark.django_db


def _staff() -> User:
    return department_user("human-resources")


def _enterprise_user(enterprise: Enterprise) -> User:
    return cast(User, UserFactory(enterprise=True, enterprise_uscc=enterprise.uscc))


def test_publishing_stores_eligible_and_possibly_eligible_matches() -> None:
    """Publishing matches every enterprise at once: eligible, unknown (data missing), or none."""
    staff = _staff()
    small, large, unknown = employer(12), employer(400), employer(None)
    item = policy(staff)
    run = policy_publish(policy=item, acting_user=staff)
    outcomes = dict(Match.objects.filter(policy=item).values_list("enterprise_id", "outcome"))
    assert outcomes[small.pk] == Outcome.ELIGIBLE
    assert outcomes[unknown.pk] == Outcome.UNKNOWN
    assert large.pk not in outcomes
    assert Match.objects.get(policy=item, enterprise=unknown).missing == ["employees"]
    assert run.eligible >= 1
    assert run.unknown >= 1


def test_a_quota_of_n_gives_exactly_n_grants_in_first_matched_order() -> None:
    """With a quota of 2 and 4 eligible, the first two matched are offered, the rest wait."""
    staff = _staff()
    firms = [employer(5 + i) for i in range(4)]
    item = policy(staff, quota=2, needs_confirmation=True)
    policy_publish(policy=item, acting_user=staff)
    order = list(
        Match.objects.filter(policy=item, outcome=Outcome.ELIGIBLE)
        .order_by("matched_at", "enterprise_id")
        .values_list("enterprise_id", flat=True)
    )
    auto_grant_list_confirm(policy=item, acting_user=staff)
    grants = list(Grant.objects.filter(policy=item).order_by("position"))
    assert [g.enterprise_id for g in grants] == order
    assert [g.state for g in grants] == [
        GrantState.OFFERED,
        GrantState.OFFERED,
        GrantState.WAITING,
        GrantState.WAITING,
    ]
    assert {g.enterprise_id for g in grants} >= {f.pk for f in firms}


def test_a_decline_gets_nothing_and_the_next_in_line_is_offered() -> None:
    """The enterprise that declines gets nothing; the first waiting one is offered the place."""
    staff = _staff()
    firms = [employer(5), employer(6), employer(7)]
    owners = {firm.pk: _enterprise_user(firm) for firm in firms}
    item = policy(staff, quota=1, needs_confirmation=True)
    policy_publish(policy=item, acting_user=staff)
    auto_grant_list_confirm(policy=item, acting_user=staff)
    first, second, third = Grant.objects.filter(policy=item).order_by("position")
    assert not Notification.objects.filter(recipient=owners[second.enterprise_id]).exists()
    grant_decline(grant=first, acting_user=owners[first.enterprise_id], reason="不需要")
    states = dict(Grant.objects.filter(policy=item).values_list("pk", "state"))
    assert states == {
        first.pk: GrantState.DECLINED,
        second.pk: GrantState.OFFERED,
        third.pk: GrantState.WAITING,
    }
    offer = Notification.objects.get(recipient=owners[second.enterprise_id])
    assert offer.kind == "policies.auto_grant"
    assert GrantTransition.objects.filter(grant=first, to_state=GrantState.DECLINED).exists()


def test_offer_confirmed_disbursed_and_published_as_award_list() -> None:
    """Confirm with an account, the department pays, the award list is published."""
    staff = _staff()
    firm = employer(9)
    owner = _enterprise_user(firm)
    item = policy(staff, needs_confirmation=True, grant_amount="1.00")
    policy_publish(policy=item, acting_user=staff)
    auto_grant_list_confirm(policy=item, acting_user=staff)
    grant = Grant.objects.get(policy=item, enterprise=firm)
    assert Notification.objects.filter(recipient=owner, kind="policies.auto_grant").exists()
    with pytest.raises(DomainError, match="账户"):
        grant_confirm(grant=grant, payee_account="  ", acting_user=owner)
    assert Grant.objects.get(pk=grant.pk).state == GrantState.OFFERED
    grant = grant_confirm(grant=grant, payee_account="6222 0000 1111", acting_user=owner)
    grant = grant_disburse(grant=grant, acting_user=staff)
    assert grant.state == GrantState.DISBURSED
    published = awards_publish(policy=item, acting_user=staff)
    assert published.awards_published_at is not None


def test_nothing_to_confirm_grants_outright() -> None:
    """A policy without confirmation (a tax relief) grants directly and notifies."""
    staff = _staff()
    firm = employer(3)
    owner = _enterprise_user(firm)
    item = policy(staff)
    policy_publish(policy=item, acting_user=staff)
    auto_grant_list_confirm(policy=item, acting_user=staff)
    assert Grant.objects.get(policy=item, enterprise=firm).state == GrantState.GRANTED
    assert Notification.objects.filter(recipient=owner, kind="policies.auto_grant").exists()


def test_budget_runs_out_first_matched_first() -> None:
    """A budget of 2.5 at 1 per grant makes two places, whatever the quota."""
    staff = _staff()
    for i in range(4):
        employer(5 + i)
    item = policy(staff, budget="2.50", grant_amount="1.00")
    policy_publish(policy=item, acting_user=staff)
    auto_grant_list_confirm(policy=item, acting_user=staff)
    granted = Grant.objects.filter(policy=item, state=GrantState.GRANTED)
    assert granted.count() == 2


def test_pro_rata_shares_a_short_budget() -> None:
    """Pro rata: 3 holders, budget 2.00 at 1.00 each → 0.66 each, never above the budget."""
    staff = _staff()
    for i in range(3):
        employer(5 + i)
    item = policy(staff, budget="2.00", grant_amount="1.00", allocation=Allocation.PRO_RATA)
    policy_publish(policy=item, acting_user=staff)
    auto_grant_list_confirm(policy=item, acting_user=staff)
    amounts = [g.amount for g in Grant.objects.filter(policy=item)]
    assert amounts.count(Decimal("0.66")) >= 3
    assert sum(a for a in amounts if a is not None) <= Decimal("2.00")


def test_only_the_enterprise_answers_its_offer_and_only_the_department_pays() -> None:
    """Another enterprise cannot decline; another department cannot disburse; nothing changes."""
    staff = _staff()
    firm, other = employer(4), employer(None)
    item = policy(staff, needs_confirmation=True)
    policy_publish(policy=item, acting_user=staff)
    auto_grant_list_confirm(policy=item, acting_user=staff)
    grant = Grant.objects.get(policy=item, enterprise=firm)
    with pytest.raises(PermissionDenied):
        grant_decline(grant=grant, acting_user=_enterprise_user(other))
    with pytest.raises(PermissionDenied):
        grant_disburse(grant=grant, acting_user=department_user("tax-jinshan"))
    assert Grant.objects.get(pk=grant.pk).state == GrantState.OFFERED


def test_a_rule_change_is_a_new_version_and_rematches() -> None:
    """Changing the rule makes version 2, and the stored matches follow it."""
    staff = _staff()
    firm = employer(20)
    item = policy(staff)
    policy_publish(policy=item, acting_user=staff)
    assert Match.objects.filter(policy=item, enterprise=firm).exists()
    version = rule_version_create(
        policy=item, sql="employees <= 10", note="收紧", acting_user=staff
    )
    assert version.number == 2
    assert not Match.objects.filter(policy=item, enterprise=firm).exists()
    assert item.versions.count() == 2


def test_an_invalid_rule_is_refused_with_its_fragment_and_nothing_changes() -> None:
    """A rule naming an unknown field is refused, pointing at it; the versions stay as they were."""
    staff = _staff()
    item = policy(staff)
    with pytest.raises(DomainError, match="employes"):
        rule_version_create(policy=item, sql="employes <= 10", note="", acting_user=staff)
    assert item.versions.count() == 1


def test_an_enterprise_whose_facts_change_is_rematched() -> None:
    """New facts about an enterprise bring it into (or out of) every live policy's matches."""
    staff = _staff()
    firm = employer(None)
    item = policy(staff)
    policy_publish(policy=item, acting_user=staff)
    assert Match.objects.get(policy=item, enterprise=firm).outcome == Outcome.UNKNOWN
    assert matches_refresh_changed() == 0  # the first call only sets the mark
    clock.advance(dt.timedelta(minutes=1))
    facts(firm, "human-resources", dt.date(2026, 7, 31), employees_2025=8)
    assert matches_refresh_changed() == 1
    match = Match.objects.get(policy=item, enterprise=firm)
    assert (match.outcome, match.missing) == (Outcome.ELIGIBLE, [])
    clock.advance(dt.timedelta(minutes=1))
    facts(firm, "human-resources", dt.date(2026, 8, 31), employees_2025=80)
    assert matches_refresh_changed() == 1
    assert not Match.objects.filter(policy=item, enterprise=firm).exists()
