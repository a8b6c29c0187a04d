"""The registry pages as the lead office, a department and an enterprise use them."""

from __future__ import annotations

import datetime as dt

import pytest

from jinqi.accounts.tests.factories import PASSWORD, UserFactory
from jinqi.audit.enums import AuditAction
from jinqi.audit.models import AuditEvent
from jinqi.registry.models import CorrectionRequest
from jinqi.registry.tests.factories import enterprise, facts, stored_facts

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def firm(transactional_db: None):  # type: ignore[no-untyped-def]
    target = enterprise(
        name="上海金山示范新材料有限公司",
        legal_representative="陈建国",
        contact_phone="13761234567",
    )
    facts(
        target,
        "tax-jinshan",
        dt.date(2026, 5, 31),
        revenue_2024=21400,
        revenue_2025=23950,
        total_assets_2025=31200,
        tax_credit_level="A",
    )
    facts(target, "tax-jinshan", dt.date(2026, 6, 30), revenue_2025=24120)
    facts(target, "human-resources", dt.date(2026, 6, 30), employees_2025=268)
    return target


def test_lead_office_searches_the_registry_and_sees_masked_personal_data(
    live_server, firm, lead_office_user, new_page, login, shot
):
    page = new_page("desktop")
    login(page, live_server, lead_office_user.username, PASSWORD)
    page.goto(f"{live_server.url}/registry/?q=示范新材料")
    rows = page.locator("tbody tr")
    assert rows.count() == 1
    assert "陈**" in rows.first.inner_text() and "陈建国" not in page.content()
    shot(page, "registry-lead-office-list")
    rows.first.locator("a").click()
    page.wait_for_url(f"**/registry/{firm.uscc}/")
    assert "137****4567" in page.content()
    assert page.locator("form[action$='/reveal/']").count() == 0  # no need, no button
    assert "23,950" in page.content()  # the superseded revenue stays visible as history
    shot(page, "registry-lead-office-record")


def test_department_reveals_personal_data_and_the_reading_is_audited(
    live_server, firm, department_users, new_page, login, shot
):
    staff = department_users("market-regulation")
    page = new_page("desktop")
    login(page, live_server, staff.username, PASSWORD)
    page.goto(f"{live_server.url}/registry/{firm.uscc}/")
    assert "陈建国" not in page.content()
    page.locator("form[action$='/reveal/']").locator("xpath=..").locator("summary").click()
    page.fill("form[action$='/reveal/'] input[name=reason]", "核实企业联系人")
    with page.expect_navigation():
        page.locator("form[action$='/reveal/'] button").click()
    assert "陈建国" in page.content() and "13761234567" in page.content()
    reading = AuditEvent.objects.get(action=AuditAction.READ_PERSONAL_DATA, actor=staff)
    assert reading.changes["note"] == "核实企业联系人"
    shot(page, "registry-department-revealed")


def test_enterprise_flags_a_wrong_fact_and_the_department_answers(
    live_server, firm, department_users, new_page, login, shot
):
    owner = UserFactory(enterprise=True, enterprise_uscc=firm.uscc, username="firm-owner")
    tax = department_users("tax-jinshan")
    page = new_page("desktop")
    login(page, live_server, owner.username, PASSWORD)
    page.goto(f"{live_server.url}/registry/mine/")
    assert "陈建国" in page.content()  # its own record, unmasked
    row = page.locator("tbody tr", has_text="2024").first
    row.locator("summary").click()
    row.locator("textarea[name=reason]").fill("2024 年营业收入应为 21,800 万元。")
    with page.expect_navigation():
        row.locator("form button").click()
    assert page.locator(".messages .msg-success").count() == 1
    shot(page, "registry-enterprise-flagged")
    request = CorrectionRequest.objects.get()
    assert request.department == tax.department

    page = new_page("desktop")
    login(page, live_server, tax.username, PASSWORD)
    page.goto(f"{live_server.url}/registry/corrections/")
    page.locator("tbody tr summary").first.click()
    form = page.locator("tbody tr form").first
    form.locator("select[name=corrected]").select_option("1")
    form.locator("input[name=new_value]").fill("21800")
    form.locator("textarea[name=answer]").fill("经核实已更正。")
    with page.expect_navigation():
        form.locator("button").click()
    shot(page, "registry-department-answered")
    request.refresh_from_db()
    assert request.state == CorrectionRequest.State.CORRECTED
    current = [f for f in stored_facts(firm, "revenue") if f.year == 2024 and f.is_current]
    assert [f.value for f in current] == [21800]
