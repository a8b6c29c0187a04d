"""An enterprise applies for a policy (一表申报): guidance first, then the form with the data the
government already holds filled in, auto-save, an upload and the submission."""

from __future__ import annotations

import pytest

from jinqi.accounts.tests.factories import PASSWORD, UserFactory
from jinqi.applications.enums import ApplicationState
from jinqi.applications.models import Application, Attachment
from jinqi.applications.tests.factories import PDF, applicant_enterprise, applying_policy

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TITLE = "智能制造技术改造专项资金"


@pytest.fixture
def applicant(transactional_db: None, department_users) -> object:
    """A manufacturer of 120 staff (a figure supplied by the human resources bureau), and a
    policy of the economy commission taking applications."""
    applying_policy(
        department_users("economy"),
        code="smart-manufacturing-2026",
        title=TITLE,
        summary="支持区内制造业企业实施智能化、数字化技术改造。",
        benefit="按项目设备投资额的 10% 给予补助，最高 200 万元。",
    )
    firm = applicant_enterprise(120, name="上海金山示范智能装备有限公司")
    return UserFactory(enterprise=True, enterprise_uscc=firm.uscc, username="firm-applicant")


def test_enterprise_applies_with_prefilled_data_and_an_upload(
    live_server, applicant, new_page, login, shot
):
    page = new_page("desktop")
    login(page, live_server, applicant.username, PASSWORD)
    page.goto(f"{live_server.url}/applications/")
    assert "您尚未申报任何政策" in page.locator(".empty").first.inner_text()
    shot(page, "applications-enterprise-list-empty")
    with page.expect_navigation():
        page.locator("article", has_text=TITLE).get_by_role("link", name="查看条件并申报").click()

    # 智能引导: the verdict with its reasons, what is held, what is fetched, what to upload.
    assert page.locator("[data-outcome=eligible]").count() == 1
    assert "符合条件" in page.locator("[data-outcome=eligible]").inner_text()
    held = page.locator("table.held tbody tr")
    assert "从业人数" in held.first.inner_text() and "120" in held.first.inner_text()
    assert "由金山税务局提供，无需上传" in page.locator("ul.materials").inner_text()
    shot(page, "applications-enterprise-guide")
    with page.expect_navigation():
        page.get_by_role("button", name="开始申报").click()

    application = Application.objects.get(enterprise__uscc=applicant.enterprise_uscc)
    assert application.state == ApplicationState.DRAFT
    assert page.locator("table.held").inner_text().count("120") == 1
    assert page.locator('input[name="employees"]').count() == 0  # held, so not asked

    # A conditional field appears only once its condition is ticked.
    revenue = page.locator('[data-field="export_revenue"]')
    assert revenue.is_hidden()
    page.fill("#f-project_name", "智能产线改造")
    page.get_by_label("否").check()
    assert revenue.is_hidden()
    page.get_by_label("是").check()
    assert revenue.is_visible()
    page.fill("#f-export_revenue", "350.5")
    page.fill("#f-note", "二期工程")
    status = page.locator("[data-autosave-status]")
    page.wait_for_function(
        "() => document.querySelector('[data-autosave-status]').textContent"
        ".startsWith('已自动保存')"
    )
    assert status.get_attribute("data-saved-at")

    page.reload()
    assert page.input_value("#f-project_name") == "智能产线改造"
    assert page.get_by_label("是").is_checked()
    assert revenue.is_visible() and page.input_value("#f-export_revenue") == "350.5"
    assert page.input_value("#f-note") == "二期工程"

    # Typing and leaving at once: the page sends what is unsaved as it goes.
    page.fill("#f-note", "二期工程，预计年底投产")
    page.goto(f"{live_server.url}/applications/")
    page.wait_for_timeout(300)
    application.refresh_from_db()
    assert application.answers["note"] == "二期工程，预计年底投产"
    page.go_back()

    material = page.locator('[data-material="business_plan"]')
    material.locator("input[type=file]").set_input_files(
        {"name": "项目计划书.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    with page.expect_navigation():
        material.get_by_role("button", name="上传").click()
    assert "已上传 项目计划书.pdf" in page.locator(".messages").inner_text()
    assert "项目计划书.pdf" in page.locator('[data-material="business_plan"] ul.files').inner_text()
    assert Attachment.objects.filter(application=application).count() == 1
    shot(page, "applications-enterprise-form")

    phone = new_page("phone")
    login(phone, live_server, applicant.username, PASSWORD)
    phone.goto(f"{live_server.url}/applications/{application.reference}/")
    shot(phone, "applications-enterprise-form-phone")

    with page.expect_navigation():
        page.get_by_role("button", name="提交申报").click()
    assert "已提交" in page.locator("[data-state]").inner_text()
    assert page.locator("#application-form").count() == 0
    assert "已提交，待受理" in page.locator("ol.timeline").inner_text()
    shot(page, "applications-enterprise-submitted")
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED
    assert application.prefilled["employees"]["value"] == 120

    phone.goto(f"{live_server.url}/applications/")
    assert application.reference in phone.locator("table.applications").inner_text()
    shot(phone, "applications-enterprise-list-phone")
