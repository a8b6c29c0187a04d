"""Financing with consent, end to end in a browser: the enterprise publishes a request and lets
a bank read its data; the bank takes the request up, reads the package and grants; the finance
office's statistics move; the enterprise withdraws its consent and the bank is refused."""

from __future__ import annotations

import datetime as dt

import pytest

from jinqi.accounts.tests.factories import PASSWORD, UserFactory, department_user
from jinqi.core import clock
from jinqi.financing.tests import factories
from jinqi.registry.tests.factories import enterprise

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

FIRM = "上海金山融资示范有限公司"
BANK = "上海农商银行金山支行"


def test_request_consent_read_grant_statistics_withdraw(live_server, new_page, login, shot):
    """Measures 81–83 through the pages, with a photograph at each step."""
    with clock.frozen_at(dt.datetime(2026, 12, 7, 10)):
        firm = enterprise(name=FIRM)
        UserFactory(username="firm", enterprise=True, enterprise_uscc=firm.uscc)
        bank = factories.institution(BANK)
        factories.member(bank, username="banker")
        department_user("finance", username="jinrongban")

        owner = new_page()
        login(owner, live_server, "firm", PASSWORD)
        owner.goto(f"{live_server.url}/financing/mine/")
        assert "批次担保" in owner.locator("main").inner_text()
        assert "示例" in owner.locator('[data-product="batch-guarantee"]').inner_text()
        shot(owner, "financing-1-products-for-me")
        owner.get_by_role("link", name="发布融资需求").first.click()
        owner.get_by_label("金额（万元）").fill("200")
        owner.get_by_label("期限（月）").fill("12")
        owner.get_by_label("用途").fill("采购原材料，补充流动资金。")
        owner.get_by_label("批次担保").check()
        owner.get_by_role("button", name="发布需求").click()
        assert "已发布给金融机构" in owner.locator(".messages").inner_text()
        request_url = owner.url

        owner.goto(f"{live_server.url}/financing/consents/new/")
        owner.get_by_label("金融机构").select_option(label=BANK)
        owner.get_by_label("用途").fill("批次担保贷款授信审查")
        shot(owner, "financing-2-consent")
        owner.get_by_role("button", name="确认授权").click()
        consent_url = owner.url
        assert "有效" in owner.locator("[data-state]").inner_text()

        banker = new_page()
        login(banker, live_server, "banker", PASSWORD)
        banker.goto(f"{live_server.url}/financing/institution/")
        banker.goto(request_url)
        banker.get_by_role("button", name="受理", exact=True).click()
        banker.get_by_role("link", name="查看数据包").click()
        package_url = banker.url
        text = banker.locator("main").inner_text()
        assert FIRM in text and firm.uscc in text and "本次查询已记录" in text
        shot(banker, "financing-3-package")
        banker.goto(request_url)
        banker.get_by_label("获批金额（万元）").fill("200")
        banker.get_by_label("年利率（%）").fill("3.45")
        banker.get_by_label("期限（月）").fill("12")
        banker.get_by_label("所用产品").select_option(label="批次担保")
        banker.get_by_role("button", name="同意授信").click()
        assert "已获批" in banker.locator("[data-state]").inner_text()
        shot(banker, "financing-4-granted")

        office = new_page()
        login(office, live_server, "jinrongban", PASSWORD)
        office.goto(f"{live_server.url}/financing/office/")
        first_row = office.locator("[data-statistics] tbody tr").first.inner_text()
        assert "200" in first_row and "3.45" in first_row
        shot(office, "financing-5-statistics")

        owner.goto(consent_url)
        assert owner.locator("[data-read]").count() == 1
        owner.get_by_role("button", name="撤回授权").click()
        assert "已撤回" in owner.locator("[data-state]").inner_text()

        banker.goto(package_url)
        assert "企业已于 2026-12-07 撤回本授权" in banker.locator("[data-refused]").inner_text()
        shot(banker, "financing-6-refused")
