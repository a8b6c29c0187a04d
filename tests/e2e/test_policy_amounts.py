"""Policies that are right and paid right, as enterprises see them: a small-scale VAT taxpayer
qualifies for 六税两费 by its own route; an industrial enterprise is offered Jinshan's output
milestone with the computed amount, confirms and is on the award list with that amount; an
offer left unanswered expires and the next enterprise in line receives it."""

from __future__ import annotations

import datetime as dt

import pytest

from jinqi.accounts.models import User
from jinqi.accounts.tests.factories import PASSWORD, UserFactory
from jinqi.core import clock
from jinqi.policies import services
from jinqi.policies.enums import GrantState
from jinqi.policies.models import Grant, Policy
from jinqi.policies.offers import offers_expire
from jinqi.registry.models import Enterprise
from jinqi.registry.tests.factories import enterprise, facts

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

AS_OF = dt.date(2026, 6, 30)
MILESTONE = "jinshan-output-milestone"
MONDAY = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)


def _owner(firm: Enterprise, username: str) -> User:
    user: User = UserFactory(enterprise=True, enterprise_uscc=firm.uscc, username=username)
    return user


def _industrial(name: str, *outputs: float) -> Enterprise:
    firm = enterprise(name=name)
    figures = {f"industrial_output_{2023 + i}": v for i, v in enumerate(outputs)}
    facts(firm, "economy", AS_OF, **figures)
    return firm


def _milestone_offered(staff: User, quota: int | None = None) -> Policy:
    policy = Policy.objects.get(code=MILESTONE)
    Policy.objects.filter(pk=policy.pk).update(quota=quota)
    policy.refresh_from_db()
    services.matches_recompute(policy=policy)
    services.auto_grant_list_confirm(policy=policy, acting_user=staff)
    return policy


def test_a_small_scale_vat_taxpayer_qualifies_for_six_taxes_two_fees(
    live_server, transactional_db, new_page, login, shot
):
    """Too big for 小型微利, but a small-scale VAT taxpayer: 六税两费 is 符合."""
    firm = enterprise(name="上海金山小规模商贸有限公司")
    facts(
        firm,
        "tax-jinshan",
        AS_OF,
        vat_small_scale_taxpayer=True,
        taxable_income_2025=420,
        employees_2025=320,
        total_assets_2025=6000,
    )
    owner = _owner(firm, "small-scale-owner")
    page = new_page("desktop")
    login(page, live_server, owner.username, PASSWORD)
    page.goto(f"{live_server.url}/policies/mine/")
    eligible = page.locator("#eligible ~ article.verdict-eligible", has_text="六税两费")
    assert eligible.count() == 1
    assert "增值税小规模纳税人" in eligible.inner_text()
    shot(page, "policies-six-taxes-small-scale")


def test_an_industrial_enterprise_is_offered_the_milestone_and_is_on_the_award_list(
    live_server, transactional_db, department_users, new_page, login, shot
):
    """First past 10亿: offered 20万 with the calculation; confirmed, paid and published, the
    award list shows it with that amount."""
    firm = _industrial("上海金山扩容新材料有限公司", 86_000, 95_500, 104_800)
    owner = _owner(firm, "milestone-owner")
    staff = department_users("economy")
    policy = _milestone_offered(staff)
    page = new_page("desktop")
    login(page, live_server, owner.username, PASSWORD)
    page.goto(f"{live_server.url}/policies/mine/")
    row = page.locator("#grants + .table-wrap tbody tr", has_text="年产值首次突破")
    text = row.inner_text()
    assert "20" in text and "上年度工业总产值 104,800 万元" in text and "奖励 20 万元" in text
    shot(page, "policies-milestone-offer")
    row.locator("input[name=payee_account]").fill("中国银行上海金山支行 4455 6677 8899")
    with page.expect_navigation():
        row.get_by_role("button", name="确认享受").click()
    grant = Grant.objects.get(policy=policy, enterprise=firm)
    assert grant.state == GrantState.CONFIRMED
    services.grant_disburse(grant=grant, acting_user=staff)
    services.awards_publish(policy=policy, acting_user=staff)
    page.goto(f"{live_server.url}/policies/{MILESTONE}/awards/")
    award = page.locator("tbody tr", has_text="上海金山扩容新材料有限公司")
    assert award.locator("td").nth(2).inner_text().strip() == "20"
    shot(page, "policies-milestone-award-list")


def test_an_unanswered_offer_expires_and_the_next_in_line_receives_it(
    live_server, transactional_db, department_users, new_page, login, shot
):
    """One place, two enterprises: the first does not answer within 10 working days; the
    offer expires and the second finds it on its page."""
    first = _industrial("上海金山首位制造有限公司", 70_000, 90_000, 101_000)
    second = _industrial("上海金山次位制造有限公司", 80_000, 92_000, 103_000)
    second_owner = _owner(second, "second-in-line")
    staff = department_users("economy")
    with clock.frozen_at(MONDAY):
        policy = _milestone_offered(staff, quota=1)
    grants = {g.enterprise_id: g for g in Grant.objects.filter(policy=policy)}
    offered = next(g for g in grants.values() if g.state == GrantState.OFFERED)
    assert offered.enterprise_id == first.pk
    with clock.frozen_at(MONDAY + dt.timedelta(days=15)):
        assert offers_expire() == 1
    offered.refresh_from_db()
    assert offered.state == GrantState.EXPIRED
    page = new_page("desktop")
    login(page, live_server, second_owner.username, PASSWORD)
    page.goto(f"{live_server.url}/policies/mine/")
    row = page.locator("#grants + .table-wrap tbody tr", has_text="年产值首次突破")
    assert "待企业确认" in row.inner_text()
    assert "请在" in row.inner_text()
    shot(page, "policies-offer-passed-on")
