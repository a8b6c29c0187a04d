"""Policies as a department drafts and publishes one, as an enterprise finds what it qualifies
for, and as a department runs a 免申即享 list through to the enterprises' inboxes."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from jinqi.accounts.tests.factories import PASSWORD, UserFactory
from jinqi.notifications.models import Notification
from jinqi.policies.enums import GrantState, PolicyState
from jinqi.policies.models import Grant, Match, Policy
from jinqi.registry.tests.factories import enterprise, facts

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

AS_OF = dt.date(2026, 6, 30)
CLEAN = {
    "industry_restricted": False,
    "major_incident_last_year": False,
    "in_abnormal_list": False,
    "in_serious_dishonesty_list": False,
}


def _firm(name: str, **figures: object) -> object:
    target = enterprise(name=name)
    facts(target, "tax-jinshan", AS_OF, **figures)
    return target


@pytest.fixture
def science_firms(transactional_db: None) -> dict[str, object]:
    """Technology firms of different sizes, one without technical-staff data."""
    made = {
        "fit": _firm("上海金山智造科技有限公司", employees_2025=120, tech_staff_2025=30),
        "also": _firm("上海金山芯材科技有限公司", employees_2025=260, tech_staff_2025=40),
        "unknown": _firm("上海金山新能源有限公司", employees_2025=90),
        "big": _firm("上海金山重工机械有限公司", employees_2025=850, tech_staff_2025=60),
        "few": _firm("上海金山包装材料有限公司", employees_2025=150, tech_staff_2025=5),
    }
    return made


def test_department_drafts_a_rule_with_the_builder_tests_it_and_publishes(
    live_server, science_firms, department_users, new_page, login, shot
):
    staff = department_users("science")
    page = new_page("desktop")
    login(page, live_server, staff.username, PASSWORD)
    page.goto(f"{live_server.url}/policies/manage/")
    with page.expect_navigation():
        page.get_by_role("link", name="新建政策").click()

    page.fill("#id_code", "tech-talent-2027")
    page.fill("#id_title", "科技型企业人才发展补贴")
    page.fill("#id_document_number", "金科委〔2026〕12号")
    page.fill("#id_article", "第三条")
    page.fill("#id_valid_from", "2026-01-01")
    page.fill("#id_summary", "支持科技人员占比较高的中小科技企业引进和培养人才。")
    page.fill("#id_benefit", "按科技人员人数给予每人 2000 元补贴，每家最高 20 万元。")
    page.select_option("#id_delivery", "push")

    # The builder: no expression written by hand.
    builder = page.locator("[data-rule-builder]")
    rows = builder.locator(".builder-row")
    rows.nth(0).locator("[data-field]").select_option("employees")
    rows.nth(0).locator("[data-op]").select_option("<=")
    rows.nth(0).locator("[data-value]").fill("300")
    builder.get_by_role("button", name="添加条件").click()
    rows.nth(1).locator("[data-field]").select_option("tech_staff_ratio")  # a derived field
    rows.nth(1).locator("[data-op]").select_option(">=")
    rows.nth(1).locator("[data-value]").fill("0.1")
    builder.get_by_role("button", name="将这些条件写入规则文本").click()
    assert page.input_value("#id_rule") == "employees <= 300\nAND tech_staff_ratio >= 0.1"

    page.get_by_role("button", name="用全部企业测试此规则").click()
    counts = page.locator("#rule-test [data-rule-counts] .value")
    counts.first.wait_for()
    assert counts.all_inner_texts() == ["2", "1", "2", "5"]  # eligible, possibly, not, checked
    sample = page.locator("#rule-test table.sample tbody tr")
    assert sample.count() == 5
    assert "科技人员占职工总数的比例" in sample.first.inner_text()
    shot(page, "policies-department-rule-tested")

    with page.expect_navigation():
        page.locator("[data-save]").click()
    assert page.locator(".messages .msg-success").count() == 1
    policy = Policy.objects.get(code="tech-talent-2027")
    assert policy.department == staff.department and policy.state == PolicyState.DRAFT
    shot(page, "policies-department-draft-saved")

    # On the saved draft the builder opens as the rule's rows; a rule then changed by hand is
    # not overwritten by the rows unless the user says so.
    written = "employees <= 300\nAND tech_staff_ratio >= 0.1"
    assert page.locator("[data-rule-builder] .builder-row").count() == 2
    page.fill("#id_rule", written + "\nAND NOT in_abnormal_list")
    row = page.locator("[data-rule-builder] .builder-row").first
    row.locator("[data-field]").select_option("in_abnormal_list")
    row.locator("[data-op]").select_option("false")
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="将这些条件写入规则文本").click()
    assert asked == ["用这些条件替换规则文本？"]
    assert page.input_value("#id_rule") == written + "\nAND NOT in_abnormal_list"
    page.fill("#id_rule", written)

    with page.expect_navigation():
        page.locator("[data-publish]").click()
    assert "已发布：2 家企业符合条件，1 家可能符合" in page.locator(".messages").inner_text()
    assert page.locator("table tbody tr").count() == 3
    shot(page, "policies-department-published-matches")
    policy.refresh_from_db()
    assert policy.state == PolicyState.PUBLISHED
    assert Match.objects.filter(policy=policy).count() == 3

    page.goto(f"{live_server.url}/policies/tech-talent-2027/")
    assert "科技人员占职工总数的比例 ≥ 0.1" in page.content()
    shot(page, "policies-public-detail")
    page.goto(f"{live_server.url}/policies/?department=science")
    assert page.locator("article.policy-card").count() == 3  # with the two shipped ones
    shot(page, "policies-public-catalogue")
    page.goto(f"{live_server.url}/policies/manage/")
    shot(page, "policies-department-list")


def test_enterprise_sees_a_policy_for_it_with_the_reasons(
    live_server, transactional_db, new_page, login, shot
):
    firm = _firm(
        "上海金山示范精密仪器有限公司",
        employees_2025=120,
        revenue_2025=8000,
        total_assets_2025=6000,
        taxable_income_2025=260,
        tech_staff_2025=30,
        **CLEAN,
    )
    owner = UserFactory(enterprise=True, enterprise_uscc=firm.uscc, username="firm-owner")
    page = new_page("desktop")
    login(page, live_server, owner.username, PASSWORD)
    page.goto(f"{live_server.url}/policies/mine/")

    eligible = page.locator("article.verdict-eligible", has_text="科技型中小企业评价")
    assert eligible.count() == 1
    eligible.locator("summary").click()
    reasons = eligible.locator("ul.explanation li")
    assert reasons.count() == 8  # the eight conditions of the rule, each met
    first = reasons.first.inner_text()
    assert "从业人数（年平均） ≤ 500 人" in first
    assert "从业人数（年平均）（2025 年）：120 人，来源：金山税务局" in first

    # Not eligible for the small low-profit enterprise tax relief: assets over 5,000 万元.
    refused = page.locator("article.verdict-not-eligible", has_text="小型微利企业所得税优惠")
    assert "6,000 万元" in refused.inner_text() and "不满足" in refused.inner_text()
    # Possibly eligible elsewhere: the missing data and the department that holds it.
    assert page.locator("article.verdict-unknown ul.missing li").count() > 0
    assert "数据提供单位" in page.locator("article.verdict-unknown").first.inner_text()
    shot(page, "policies-enterprise-for-me")

    phone = new_page("phone")
    login(phone, live_server, owner.username, PASSWORD)
    phone.goto(f"{live_server.url}/policies/mine/")
    shot(phone, "policies-enterprise-for-me-phone")


def test_department_confirms_an_auto_grant_list_and_enterprises_are_notified(
    live_server, transactional_db, department_users, new_page, login, shot
):
    from jinqi.policies.services import matches_recompute

    small = {"employees_2025": 40, "total_assets_2025": 1200, "taxable_income_2025": 180}
    first = _firm("上海金山小微电子有限公司", industry_restricted=False, **small)
    second = _firm("上海金山绿源食品有限公司", industry_restricted=False, **small)
    _firm("上海金山大型化工有限公司", industry_restricted=False, employees_2025=2000)
    owner = UserFactory(enterprise=True, enterprise_uscc=first.uscc, username="small-owner")
    policy = Policy.objects.get(code="small-low-profit-cit")
    matches_recompute(policy=policy)  # the nightly matching run, after the facts came in

    staff = department_users("tax-jinshan")
    page = new_page("desktop")
    login(page, live_server, staff.username, PASSWORD)
    page.goto(f"{live_server.url}/policies/manage/")
    with page.expect_navigation():
        page.locator("tr", has_text="小型微利企业所得税优惠").get_by_role(
            "link", name="匹配企业"
        ).click()
    assert page.locator("table tbody tr").count() == 2
    shot(page, "policies-auto-grant-before-confirming")
    with page.expect_navigation():
        page.locator("[data-confirm-list]").click()
    assert "名单已确认：新增 2 家企业" in page.locator(".messages").inner_text()
    grants = page.locator("table.grants tbody tr")
    assert grants.count() == 2
    assert re.search("已授予", grants.first.inner_text())
    shot(page, "policies-auto-grant-confirmed")
    assert set(Grant.objects.filter(policy=policy).values_list("state", flat=True)) == {
        GrantState.GRANTED
    }
    assert {g.enterprise_id for g in Grant.objects.filter(policy=policy)} == {
        first.pk,
        second.pk,
    }
    with page.expect_navigation():
        page.locator("[data-publish-awards]").click()
    assert page.url.endswith("/policies/small-low-profit-cit/awards/")
    assert page.locator("tbody tr").count() == 2
    shot(page, "policies-public-award-list")

    inbox = new_page("desktop")
    login(inbox, live_server, owner.username, PASSWORD)
    inbox.goto(f"{live_server.url}/inbox/")
    notice = inbox.locator("tbody tr", has_text="小型微利企业所得税优惠")
    assert notice.count() == 1
    assert "您已免申享受" in notice.inner_text()
    shot(inbox, "policies-enterprise-inbox-notice")
    assert Notification.objects.filter(recipient=owner).count() == 1
    with inbox.expect_navigation():
        notice.get_by_role("button").click()
    assert inbox.url.endswith("/policies/mine/")
    assert (
        "已授予" in inbox.locator("#grants").locator("xpath=following-sibling::div[1]").inner_text()
    )
    shot(inbox, "policies-enterprise-grant-listed")


def test_enterprise_confirms_an_offer_with_its_account(
    live_server, transactional_db, department_users, new_page, login, shot
):
    from decimal import Decimal

    from jinqi.policies import services
    from jinqi.policies.enums import Delivery
    from jinqi.policies.services import PolicyData

    firm = _firm("上海金山稳岗服饰有限公司", employees_2025=60, insured_employees_2025=58)
    owner = UserFactory(enterprise=True, enterprise_uscc=firm.uscc, username="offer-owner")
    staff = department_users("human-resources")
    policy = services.policy_create(
        data=PolicyData(
            code="jinshan-hiring-bonus",
            title="金山区企业稳定就业奖励",
            document_number="金人社〔2026〕5号",
            valid_from=dt.date(2026, 1, 1),
            summary="参保职工 20 人以上的企业，一次性给予稳定就业奖励。",
            benefit="每家 3 万元，直接拨付企业账户。",
            delivery=Delivery.AUTO_GRANT,
            needs_confirmation=True,
            grant_amount=Decimal(3),
            quota=50,
        ),
        sql="insured_employees >= 20",
        department=staff.department,
        acting_user=staff,
    )
    services.policy_publish(policy=policy, acting_user=staff)
    services.auto_grant_list_confirm(policy=policy, acting_user=staff)

    page = new_page("desktop")
    login(page, live_server, owner.username, PASSWORD)
    page.goto(f"{live_server.url}/policies/mine/")
    row = page.locator("#grants + .table-wrap tbody tr", has_text="金山区企业稳定就业奖励")
    assert "已推送，待企业确认" in row.inner_text()
    shot(page, "policies-enterprise-offer")
    row.locator("input[name=payee_account]").fill("   ")  # blank: refused by the server
    with page.expect_navigation():
        row.get_by_role("button", name="确认享受").click()
    assert "请填写收款账户" in page.locator(".messages").inner_text()
    row = page.locator("#grants + .table-wrap tbody tr", has_text="金山区企业稳定就业奖励")
    row.locator("input[name=payee_account]").fill("中国工商银行上海金山支行 1001 2345 6789")
    with page.expect_navigation():
        row.get_by_role("button", name="确认享受").click()
    assert "已确认" in page.locator(".messages").inner_text()
    assert "企业已确认" in page.locator("#grants + .table-wrap").inner_text()
    shot(page, "policies-enterprise-offer-confirmed")
    grant = Grant.objects.get(policy=policy)
    assert grant.state == GrantState.CONFIRMED
    assert grant.payee_account == "中国工商银行上海金山支行 1001 2345 6789"
