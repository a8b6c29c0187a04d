"""The enterprise's own page (企业专属网页): the panels feature apps register, scoped to the
enterprise, for enterprise users only, within a fixed query budget."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from jinqi.accounts.enums import Role
from jinqi.accounts.tests.factories import PASSWORD, UserFactory, department_user
from jinqi.notifications.services import notification_send
from jinqi.policies import services as policy_services
from jinqi.policies.enums import Delivery
from jinqi.policies.services import PolicyData
from jinqi.registry.tests.factories import facts
from jinqi.surveys import services as survey_services
from jinqi.surveys.tests.factories import answers_for, firm, lead, survey, user_of
from jinqi.web.navigation import landing_for
from jinqi.web.permissions import ENTERPRISE_ROLE

pytestmark = pytest.mark.django_db

OWN_NOTICE = "本企业的通知-OWN-5a1c"
OTHER_NOTICE = "他人企业的通知-OTHER-8e2f"


@pytest.fixture
def two_firms() -> dict[str, Any]:
    """Two enterprises with a user each; an auto-grant policy both are eligible for; a notice
    for each; a survey sent to both."""
    mine, theirs = firm(name="上海金山甲企业有限公司"), firm(name="上海金山乙企业有限公司")
    for target in (mine, theirs):
        facts(target, "market-regulation", dt.date(2025, 6, 30), core_ip_count=3)
    me, other = user_of(mine), user_of(theirs)
    staff = department_user("market-regulation")
    policy = policy_services.policy_create(
        data=PolicyData(
            code="portal-ip-award",
            title="知识产权奖励（门户测试）",
            document_number="金市监〔2026〕9号",
            valid_from=dt.date(2020, 1, 1),
            summary="核心知识产权奖励。",
            benefit="每家 1 万元。",
            delivery=Delivery.AUTO_GRANT,
            needs_confirmation=True,
            grant_amount=Decimal(1),
        ),
        sql="core_ip_count >= 1",
        department=staff.department,
        acting_user=staff,
    )
    policy_services.policy_publish(policy=policy, acting_user=staff)
    policy_services.auto_grant_list_confirm(policy=policy, acting_user=staff)
    notification_send(recipients=[me], kind="test", title=OWN_NOTICE)
    notification_send(recipients=[other], kind="test", title=OTHER_NOTICE)
    sent = survey(lead(), title="门户测试满意度调查")
    return {"mine": mine, "theirs": theirs, "me": me, "other": other, "survey": sent}


def _page(user: Any) -> Any:
    client = Client()
    client.force_login(user)
    return client.get(reverse("web:portal"))


def test_the_role_value_web_uses_is_the_enterprise_role() -> None:
    """web cannot import accounts, so it names the role by value; the two must agree."""
    assert Role.ENTERPRISE.value == ENTERPRISE_ROLE


def test_enterprise_sees_its_own_panels_and_nothing_of_another(two_firms: dict[str, Any]) -> None:
    """Notices, the survey waiting, the matched policy with its offer, and the record are the
    enterprise's own; another enterprise's name and notice never appear."""
    response = _page(two_firms["me"])
    assert response.status_code == 200
    html = response.content.decode()
    for panel in ("notifications", "surveys", "policies", "applications", "registry"):
        assert f'data-panel="{panel}"' in html, panel
    assert OWN_NOTICE in html and "门户测试满意度调查" in html
    assert "知识产权奖励（门户测试）" in html and "去确认" in html
    assert two_firms["mine"].name in html and two_firms["mine"].uscc in html
    assert OTHER_NOTICE not in html
    assert two_firms["theirs"].name not in html and two_firms["theirs"].uscc not in html
    # The most urgent first: notices, then the survey waiting, then policies.
    assert html.index('data-panel="notifications"') < html.index('data-panel="surveys"')
    assert html.index('data-panel="surveys"') < html.index('data-panel="policies"')


def test_an_answered_survey_leaves_the_page(two_firms: dict[str, Any]) -> None:
    """Once the enterprise has answered, the survey no longer waits on its page."""
    sent = two_firms["survey"]
    survey_services.response_submit(
        survey=sent,
        enterprise=two_firms["mine"],
        answers=answers_for(sent),
        acting_user=two_firms["me"],
    )
    assert 'data-panel="surveys"' not in _page(two_firms["me"]).content.decode()


@pytest.mark.parametrize("role", ["lead_office", "department", "system_admin"])
def test_other_roles_are_sent_to_where_they_start_with_a_message(role: str) -> None:
    """The page is the enterprise's; other roles land on their own start page (to-do, console,
    home) with an explanation."""
    user = department_user() if role == "department" else UserFactory(role=role)
    client = Client()
    client.force_login(user)
    response = client.get(reverse("web:portal"), follow=True)
    assert response.redirect_chain[0] == (landing_for(user), 302)
    assert "企业专属页面仅供企业用户使用。" in response.content.decode()


def test_an_enterprise_without_a_registry_record_is_told_why() -> None:
    """Without a record the page still opens and says who registers enterprises."""
    user = UserFactory(role=Role.ENTERPRISE, enterprise_uscc="91310116MA1JL0TT5P")
    html = _page(user).content.decode()
    assert "企业库中尚无统一社会信用代码为 91310116MA1JL0TT5P 的企业档案" in html
    assert 'data-panel="policies"' not in html


def test_enterprise_users_land_on_their_page_after_login() -> None:
    """Logging in takes an enterprise user to /me/ and the lead office to its console."""
    for user, landing in (
        (UserFactory(role=Role.ENTERPRISE, enterprise_uscc="91310116MA1JL0TT5P"), "/me/"),
        (UserFactory(lead_office=True), "/plans/dashboard/"),
    ):
        client = Client()
        response = client.post(
            reverse("accounts:login"), {"username": user.username, "password": PASSWORD}
        )
        assert response.status_code == 302 and response["Location"] == landing


def test_the_page_runs_a_fixed_number_of_queries(
    two_firms: dict[str, Any], django_assert_max_num_queries: Callable[..., Any]
) -> None:
    """More notices, matches and surveys do not cost more queries."""
    me = two_firms["me"]
    for i in range(12):
        notification_send(recipients=[me], kind="test", title=f"通知{i}")
        survey(lead(), title=f"调查{i}")
    client = Client()
    client.force_login(me)
    # 25, the panels of credit, legal checks, financing, inspections and accompanied procedures,
    # and the page cache's write generation (core/pagecache.py)
    with django_assert_max_num_queries(31):
        assert client.get(reverse("web:portal")).status_code == 200
