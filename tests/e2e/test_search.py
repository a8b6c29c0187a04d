"""Search (智能查询) in the browser: a visitor finds a policy by a phrase that appears only in
its full text, highlighted; an enterprise user sees whether it is eligible, on desktop and phone."""

from __future__ import annotations

import datetime as dt

import pytest

from jinqi.accounts.tests.factories import PASSWORD, UserFactory, department_user
from jinqi.guides.services import GuideData, guide_create
from jinqi.policies import services as policy_services
from jinqi.policies.tests.factories import policy
from jinqi.registry.tests.factories import enterprise, facts

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHRASE = "首台套装备首批次材料保险补偿"


@pytest.fixture
def searchable(transactional_db: None) -> dict[str, object]:
    """A published policy whose full text alone holds the phrase, a guide, and an enterprise
    user whose enterprise the policy's rule accepts."""
    staff = department_user("economy")
    made = policy(
        staff,
        code="first-set-insurance",
        title="首台套装备推广应用支持政策",
        sql="employees <= 300",
        summary="支持本区企业推广应用首台套重大技术装备。",
        full_text=(
            "第一条 为推动高端装备产业发展，制定本办法。\n"
            f"第五条 对{PHRASE}，按年度保费的80%给予补贴，每家企业每年最高500万元。"
        ),
    )
    policy_services.policy_publish(policy=made, acting_user=staff)
    guide_create(
        data=GuideData(
            title="首台套装备认定申报指南",
            matter="首台套装备认定",
            body="申报首台套重大技术装备认定，提交技术鉴定报告和销售合同。",
        ),
        acting_user=staff,
    )
    firm_user = UserFactory(enterprise=True, username="firm")
    firm = enterprise(uscc=firm_user.enterprise_uscc, name="上海金山智造装备有限公司")
    facts(firm, "human-resources", dt.date(2026, 6, 30), employees_2025=120)
    policy_services.matches_recompute(policy=made)
    return {"policy": made, "user": firm_user}


def test_visitor_finds_a_policy_by_a_phrase_of_its_full_text(live_server, searchable, page, shot):
    page.goto(f"{live_server.url}/search/")
    page.fill("#id_q", PHRASE)
    with page.expect_navigation():
        page.get_by_role("button", name="搜索", exact=True).first.click()
    first = page.locator("ol.results > li").first
    assert "首台套装备推广应用支持政策" in first.locator("h2").inner_text()
    assert PHRASE in first.locator(".snippet mark").all_inner_texts()
    assert first.locator(".tag").inner_text() == "政策"
    shot(page, "search-visitor-desktop")


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_enterprise_user_sees_its_eligibility(
    live_server, searchable, new_page, login, shot, viewport
):
    page = new_page(viewport)
    login(page, live_server, "firm", PASSWORD)
    page.goto(f"{live_server.url}/search/?q=首台套")
    result = page.locator("ol.results > li", has_text="首台套装备推广应用支持政策")
    assert result.locator(".note").inner_text() == "贵企业符合条件"
    guide_result = page.locator("ol.results > li", has_text="首台套装备认定申报指南")
    assert guide_result.locator(".tag").inner_text() == "办事指南"
    page.get_by_role("button", name="保存此搜索").click()
    page.locator(".msg", has_text="搜索已保存").wait_for()
    assert page.locator("ul.saved-searches li", has_text="首台套").count() == 1
    shot(page, f"search-enterprise-{viewport}")
