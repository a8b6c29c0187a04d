"""The enterprise's own page (企业专属网页) as an enterprise sees it after logging in, on a
desktop and on a 390 px phone: notices and things to act on first."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from jinqi.accounts.tests.factories import PASSWORD
from jinqi.applications import services as application_services
from jinqi.applications.tests.factories import (
    applicant,
    applicant_enterprise,
    applying_policy,
    submitted,
)
from jinqi.notifications.services import notification_send
from jinqi.policies import services as policy_services
from jinqi.policies.enums import Delivery
from jinqi.policies.services import PolicyData
from jinqi.registry.tests.factories import facts
from jinqi.surveys.tests.factories import lead, survey

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

FIRM = "上海金山示范化工有限公司"


@pytest.fixture
def enterprise_world(transactional_db, department_users):
    """A firm with facts from two departments, an application returned for correction, a
    免申即享 offer to confirm, a notice, and a survey waiting — all made through the services."""
    staff = department_users("economy")
    firm = applicant_enterprise(120, name=FIRM)
    facts(firm, "tax-jinshan", dt.date(2026, 5, 31), revenue_2025=23950, tax_credit_level="A")
    facts(firm, "market-regulation", dt.date(2026, 6, 30), core_ip_count=6)
    owner = applicant(firm)
    policy = applying_policy(staff, title="智能制造技术改造补贴", grant_amount="20")
    application = submitted(policy, owner)
    application_services.application_return(
        application=application,
        lock_version=application.lock_version,
        comment="项目计划书缺少预算表，请补充。",
        acting_user=staff,
    )
    market = department_users("market-regulation")
    award = policy_services.policy_create(
        data=PolicyData(
            code="portal-e2e-ip",
            title="知识产权示范企业奖励",
            document_number="金市监〔2026〕12号",
            valid_from=dt.date(2020, 1, 1),
            summary="核心知识产权 5 件以上的企业，免申即享奖励。",
            benefit="每家 2 万元。",
            delivery=Delivery.AUTO_GRANT,
            needs_confirmation=True,
            grant_amount=Decimal(2),
        ),
        sql="core_ip_count >= 5",
        department=market.department,
        acting_user=market,
    )
    policy_services.policy_publish(policy=award, acting_user=market)
    policy_services.auto_grant_list_confirm(policy=award, acting_user=market)
    notification_send(
        recipients=[owner], kind="test", title="关于开展2026年度企业研发费用加计扣除政策宣讲的通知"
    )
    survey(lead(), title="2026年金山区营商环境企业满意度调查")
    return owner


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_enterprise_lands_on_its_page_with_actions_first(
    live_server, enterprise_world, new_page, login, shot, viewport
):
    page = new_page(viewport)
    login(page, live_server, enterprise_world.username, PASSWORD)
    assert page.url.endswith("/me/")
    panels = page.locator("[data-panel]")
    keys = [panels.nth(i).get_attribute("data-panel") for i in range(panels.count())]
    assert keys[:2] == ["notifications", "surveys"]
    assert {"policies", "applications", "registry"} <= set(keys)
    assert "知识产权示范企业奖励" in page.locator("[data-panel=policies]").inner_text()
    returned = page.locator("[data-panel=applications] li.needs-action")
    assert "智能制造技术改造补贴" in returned.inner_text()
    assert FIRM in page.locator("[data-panel=registry]").inner_text()
    if viewport == "phone":
        # One column: every panel starts at the same left edge and fits the screen.
        boxes = [panels.nth(i).bounding_box() for i in range(panels.count())]
        assert len({round(b["x"]) for b in boxes}) == 1
        assert all(b["x"] + b["width"] <= 390 for b in boxes)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, f"portal-{viewport}")
    with page.expect_navigation():
        page.locator("[data-panel=surveys] a.btn").first.click()
    assert "/surveys/" in page.url
