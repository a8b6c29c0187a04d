"""Appeals in the browser: an enterprise files a request, the department answers it, the
enterprise rates it; an appeal left unanswered escalates to the lead office."""

from __future__ import annotations

import datetime as dt

import pytest

from jinqi.accounts.tests.factories import PASSWORD
from jinqi.appeals.enums import AppealState as S
from jinqi.appeals.models import Appeal
from jinqi.appeals.services import appeals_escalate_overdue
from jinqi.appeals.tests import factories as f
from jinqi.core import clock

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

FIRM = "上海金山新材料科技有限公司"
TITLE = "研发费用加计扣除口径咨询"


def test_an_enterprise_files_the_department_resolves_and_the_enterprise_rates(
    live_server, new_page, login, shot, department_users
):
    staff = department_users("tax-jinshan")
    owner = f.firm_user(f.firm(name=FIRM))

    page = new_page("desktop")
    login(page, live_server, owner.username, PASSWORD)
    page.goto(f"{live_server.url}/appeals/")
    assert "还没有" in page.locator(".empty").inner_text() or page.locator(".empty").count() == 1
    with page.expect_navigation():
        page.locator("[data-file-appeal]").click()
    form = page.locator("form[data-appeal-form]")
    form.locator("select[name=category]").select_option(label="税费")
    form.locator("input[name=title]").fill(TITLE)
    form.locator("textarea[name=text]").fill(
        "委托外部机构开展的研发活动，费用能否全部计入加计扣除基数？<script>alert(1)</script>"
    )
    form.locator("input[name=contact_channel][value=phone]").check()
    form.locator("input[name=contact_value]").fill("13812345678")
    shot(page, "appeals-file")
    with page.expect_navigation():
        form.locator("button.btn").click()
    assert "金山税务局" in page.locator(".messages").inner_text()
    assert "<script>alert(1)</script>" in page.locator("[data-timeline]").inner_text()  # as text
    appeal = Appeal.objects.get(title=TITLE)

    desk = new_page("desktop")
    login(desk, live_server, staff.username, PASSWORD)
    desk.goto(f"{live_server.url}/appeals/work/")
    row = desk.locator("table.appeal-queue tbody tr", has_text=TITLE)
    assert "剩余" in row.inner_text()
    shot(desk, "appeals-queue")
    with desk.expect_navigation():
        row.get_by_role("link", name=appeal.reference).click()
    assert "13812345678" in desk.locator("[data-contact]").inner_text()
    answer = desk.locator("form[data-action=resolve]")
    answer.locator("textarea[name=text]").fill("可以全部计入，但须取得研发合同及发票。")
    shot(desk, "appeals-department-appeal")
    with desk.expect_navigation():
        answer.locator("button").click()
    assert "已解决" in desk.locator("[data-state]").inner_text()

    page.reload()
    rate = page.locator("form[data-action=confirm]")
    rate.locator("input[name=rating][value='4']").check()
    rate.locator("textarea[name=text]").fill("答复清楚。")
    shot(page, "appeals-enterprise-rate")
    with page.expect_navigation():
        rate.locator("button").click()
    assert "4 / 5" in page.locator("[data-rating]").inner_text()
    appeal.refresh_from_db()
    assert (appeal.state, appeal.rating, appeal.solved) == (S.CLOSED, 4, True)

    phone = new_page("phone")
    login(phone, live_server, owner.username, PASSWORD)
    phone.goto(f"{live_server.url}/appeals/{appeal.reference}/")
    shot(phone, "appeals-enterprise-detail-phone")
    phone.goto(f"{live_server.url}/appeals/new/")
    shot(phone, "appeals-file-phone")
    phone_desk = new_page("phone")
    login(phone_desk, live_server, staff.username, PASSWORD)
    phone_desk.goto(f"{live_server.url}/appeals/work/")
    shot(phone_desk, "appeals-queue-phone")


def test_an_overdue_appeal_escalates_to_the_lead_office(
    live_server, new_page, login, shot, wait_for_charts, lead_office_user, department_users
):
    staff = department_users("market-regulation")
    owner = f.firm_user(f.firm(name=FIRM))
    with clock.frozen_at(dt.datetime(2026, 3, 2, 10)):  # Monday: response due Tuesday
        appeal = f.filed(owner, code="market-enforcement", title="同一事项重复检查")
    clock.advance(dt.datetime(2026, 3, 5, 8, 0).astimezone() - clock.now())  # Thursday
    assert appeals_escalate_overdue() == 1

    lead = new_page("desktop")
    login(lead, live_server, lead_office_user.username, PASSWORD)
    lead.goto(f"{live_server.url}/appeals/escalations/")
    row = lead.locator("[data-escalations] tbody tr", has_text=appeal.reference)
    assert "首次响应超期" in row.inner_text() and staff.department.name in row.inner_text()
    shot(lead, "appeals-escalations")
    with lead.expect_navigation():
        row.get_by_role("link", name=appeal.reference).click()
    assert lead.locator("[data-escalated]").count() == 1
    urge = lead.locator("form[data-action=urge]")
    urge.locator("textarea[name=text]").fill("请今日内联系企业并答复。")
    with lead.expect_navigation():
        urge.locator("button").click()
    assert "请今日内联系企业" in lead.locator("[data-timeline]").inner_text()
    shot(lead, "appeals-lead-appeal")
    lead.goto(f"{live_server.url}/appeals/statistics/?start=2026-01-01&end=2026-12-31")
    wait_for_charts(lead)
    assert staff.department.name in lead.locator("[data-statistics]").inner_text()
    shot(lead, "appeals-statistics")
    phone = new_page("phone")
    login(phone, live_server, lead_office_user.username, PASSWORD)
    phone.goto(f"{live_server.url}/appeals/escalations/")
    shot(phone, "appeals-escalations-phone")
