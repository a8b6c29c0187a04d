"""An application through the department's workbench: returned for correction, resubmitted,
accepted, passed, approved by the lead office, published; then the public notice."""

from __future__ import annotations

import pytest

from jinqi.accounts.tests.factories import PASSWORD, UserFactory
from jinqi.applications.enums import ApplicationState as S
from jinqi.applications.models import Application
from jinqi.applications.services import application_submit
from jinqi.applications.tests.factories import (
    applicant,
    applicant_enterprise,
    applying_policy,
    submitted,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

FIRM = "上海金山智造科技有限公司"


def _act(page, action: str, **fields: str) -> None:
    form = page.locator(f"form[data-action={action}]")
    for name, value in fields.items():
        form.locator(f"[name={name}]").fill(value)
    with page.expect_navigation():
        form.locator("button").click()


def test_department_reviews_lead_office_approves_and_the_public_sees_the_result(
    live_server, transactional_db, department_users, new_page, login, shot
):
    staff = department_users("economy")
    lead = UserFactory(username="lead", full_name="牵头办 李督办", lead_office=True)
    policy = applying_policy(staff, title="智能制造技术改造补贴", grant_amount="20")
    firm = applicant_enterprise(120, name=FIRM, legal_representative="欧阳明远")
    owner = applicant(firm)
    application = submitted(policy, owner)

    page = new_page("desktop")
    login(page, live_server, staff.username, PASSWORD)
    page.goto(f"{live_server.url}/applications/review/")
    row = page.locator("table.queue tbody tr", has_text=FIRM)
    assert "已提交，待受理" in row.inner_text()
    shot(page, "applications-review-queue")
    with page.expect_navigation():
        row.get_by_role("link", name=application.reference).click()
    assert "政府已掌握" in page.content()
    shot(page, "applications-review-submitted")
    _act(page, "return", comment="项目计划书缺少预算表，请补充。")
    assert "退回补正" in page.locator("[data-state]").inner_text()
    assert "项目计划书缺少预算表" in page.locator(".timeline").inner_text()

    application.refresh_from_db()
    assert application.state == S.RETURNED
    application_submit(
        application=application, lock_version=application.lock_version, acting_user=owner
    )

    page.reload()
    _act(page, "accept")
    assert "已受理，审核中" in page.locator("[data-state]").inner_text()
    _act(page, "pass", comment="材料齐全，同意。")
    assert page.locator("form[data-action=pass]").count() == 0  # the lead office's step now
    assert "当前审核环节不由您办理" in page.content()

    lead_page = new_page("desktop")
    login(lead_page, live_server, lead.username, PASSWORD)
    lead_page.goto(f"{live_server.url}/applications/review/{application.reference}/")
    assert lead_page.input_value("form[data-action=pass] [name=approved_amount]") == "20.00"
    shot(lead_page, "applications-review-lead-approves")
    _act(lead_page, "pass", approved_amount="18.5", comment="同意。")
    assert "审核通过" in lead_page.locator("[data-state]").inner_text()

    page.goto(f"{live_server.url}/applications/review/?state=approved")
    page.locator("table.queue tbody tr", has_text=FIRM).locator("input[type=checkbox]").check()
    with page.expect_navigation():
        page.locator("[data-batch-publicise]").click()
    assert "1 件已办理" in page.locator(".messages").inner_text()
    application = Application.objects.get(pk=application.pk)
    assert application.state == S.PUBLICITY

    visitor = new_page("desktop")
    visitor.goto(f"{live_server.url}/applications/publicity/")
    assert "公示中" in visitor.locator("table").inner_text()
    shot(visitor, "applications-publicity-list")
    with visitor.expect_navigation():
        visitor.get_by_role("link", name="智能制造技术改造补贴").click()
    listing = visitor.locator("[data-public-list]").inner_text()
    assert FIRM in listing and "18.50" in listing
    assert "欧阳明远" not in visitor.content()
    assert visitor.locator("[data-objection-form]").count() == 1
    shot(visitor, "applications-publicity-batch")

    phone = new_page("phone")
    phone.goto(visitor.url)
    shot(phone, "applications-publicity-batch-phone")
    phone_staff = new_page("phone")
    login(phone_staff, live_server, staff.username, PASSWORD)
    phone_staff.goto(f"{live_server.url}/applications/review/")
    shot(phone_staff, "applications-review-queue-phone")
    phone_staff.goto(f"{live_server.url}/applications/review/{application.reference}/")
    shot(phone_staff, "applications-review-detail-phone")
    page.goto(f"{live_server.url}/applications/forms/{policy.code}/")
    shot(page, "applications-form-editor")
