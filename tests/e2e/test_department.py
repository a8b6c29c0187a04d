"""A department (区市场监管局) reports on its measures, reworks a returned report, answers an
urging notice, and cannot see into another department's measures."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from jinqi.accounts.tests.factories import PASSWORD
from jinqi.core import clock
from jinqi.plans import services
from jinqi.plans.enums import MeasureStatus, ReportState
from jinqi.plans.models import ProgressReport

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PLAN_CODE = "jinshan-2022"  # the code the jinshan_plan fixture imports the plan under
MARKET = "market-regulation"
MARKET_MEASURES = [1, 7, 8, 11, 12, 14, 18]  # 区市场监管局 is the only unit on each of these
OTHER_MEASURE = 2  # 区建管委's
# The smallest file that is a PDF by its content (the upload's type is checked by its bytes).
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
RETURN_COMMENT = "请补充五月份受理量、办结量等量化数据后重新报送。"


@pytest.fixture
def market_desk(jinshan_plan, lead_office_user, department_users):
    """区市场监管局's desk in July 2022: the May report on measure 7 came back for rework and
    the lead office urged the bureau on measure 18."""
    staff = department_users(MARKET)
    with clock.frozen_at(dt.datetime(2022, 6, 2, 10, 0)):
        report = services.report_save(
            measure=jinshan_plan.measures.get(seq=7),
            period=dt.date(2022, 5, 1),
            status=MeasureStatus.IN_PROGRESS,
            narrative="五月开展公平竞争审查培训一次。",
            submit=True,
            acting_user=staff,
        )
    with clock.frozen_at(dt.datetime(2022, 6, 6, 15, 0)):
        returned = services.report_return(
            report=report,
            comment=RETURN_COMMENT,
            expected_version=report.lock_version,
            acting_user=lead_office_user,
        )
    with clock.frozen_at(dt.datetime(2022, 7, 11, 9, 30)):
        notice = services.urging_issue(
            measure=jinshan_plan.measures.get(seq=18),
            department=staff.department,
            message="知识产权交易机制探索进展滞后，请说明推进情况和下一步安排。",
            reply_due=dt.date(2022, 7, 20),
            acting_user=lead_office_user,
        )
    return staff, returned, notice


def test_department_reports_with_evidence_reworks_a_returned_report_and_answers_urging(
    live_server, jinshan_plan, market_desk, page, login, shot, tmp_path
):
    staff, returned, notice = market_desk
    login(page, live_server, staff.username, PASSWORD)

    # My measures: exactly the bureau's seven, the returned report and the urging notice.
    page.locator('#main-nav a[href="/plans/mine/"]').click()
    page.wait_for_url(re.compile(r"/plans/mine/$"))
    own = page.locator(f'a.btn[href^="/plans/{PLAN_CODE}/measures/"][href$="/report/"]')
    seqs = sorted(int(h.split("/")[-3]) for h in own.evaluate_all("a => a.map(x => x.href)"))
    assert seqs == MARKET_MEASURES
    assert page.locator(f'a[href="/plans/reports/{returned.pk}/"]').count() == 1
    assert RETURN_COMMENT in page.locator("main").inner_text()
    assert page.locator(f'a[href="/plans/urgings/{notice.pk}/"]').count() == 1
    shot(page, "department-my-measures")

    # A monthly report on measure 8, with a PDF as evidence, submitted to the lead office.
    evidence = tmp_path / "公平竞争审查台账.pdf"
    evidence.write_bytes(PDF)
    page.locator(f'a.btn[href="/plans/{PLAN_CODE}/measures/8/report/"]').click()
    page.wait_for_url(re.compile(r"/measures/8/report/$"))
    form = page.locator("form[enctype='multipart/form-data']")
    form.locator("select[name=period]").select_option("2022-06")
    form.locator("select[name=status]").select_option(MeasureStatus.IN_PROGRESS)
    narrative = "六月建立举报处理和回应机制，公布审查结果两批次。"
    form.locator("textarea[name=narrative]").fill(narrative)
    form.locator("input[type=file][name=evidence]").set_input_files(evidence)
    shot(page, "department-report-form")
    with page.expect_navigation():
        form.locator("button[name=submit]").click()
    match = re.search(r"/plans/reports/(\d+)/$", page.url)
    assert match, f"not on the report's page after submitting: {page.url}"
    assert page.locator(".messages .msg-success").count() == 1
    assert narrative in page.locator(".facts").inner_text()
    link = page.locator('.facts a[href^="/files/"]')
    assert link.inner_text() == evidence.name
    report = ProgressReport.objects.get(pk=match.group(1))
    assert report.state == ReportState.SUBMITTED
    assert report.assignment.measure.seq == 8 and report.period == dt.date(2022, 6, 1)
    assert [f.original_name for f in report.evidence.all()] == [evidence.name]
    # The evidence downloads as it was uploaded.
    with page.expect_download() as info:
        link.click()
    assert info.value.suggested_filename == evidence.name
    assert Path(info.value.path()).read_bytes() == PDF
    shot(page, "department-report-submitted")

    # The returned report: read the lead office's comment, rework, resubmit.
    page.goto(f"{live_server.url}/plans/mine/")
    page.locator(f'a[href="/plans/reports/{returned.pk}/"]').click()
    page.wait_for_url(re.compile(rf"/plans/reports/{returned.pk}/$"))
    assert RETURN_COMMENT in page.locator(".facts").inner_text()
    page.locator(f'a.btn[href="/plans/{PLAN_CODE}/measures/7/report/?period=2022-05"]').click()
    page.wait_for_url(re.compile(r"/measures/7/report/\?period=2022-05$"))
    assert RETURN_COMMENT in page.locator(".msg-warning").inner_text()
    form = page.locator("form[enctype='multipart/form-data']")
    assert form.locator("select[name=period]").input_value() == "2022-05"
    assert (
        form.locator("textarea[name=narrative]").input_value() == "五月开展公平竞争审查培训一次。"
    )
    reworked = "五月开展公平竞争审查培训一次，受理审查申请12件、办结12件，纠正不当条款3条。"
    form.locator("textarea[name=narrative]").fill(reworked)
    shot(page, "department-report-rework")
    with page.expect_navigation():
        form.locator("button[name=submit]").click()
    page.wait_for_url(re.compile(rf"/plans/reports/{returned.pk}/$"))
    assert reworked in page.locator(".facts").inner_text()
    returned.refresh_from_db()
    assert returned.state == ReportState.SUBMITTED and returned.narrative == reworked
    shot(page, "department-report-resubmitted")

    # The urging notice: answer it.
    page.goto(f"{live_server.url}/plans/mine/")
    page.locator(f'a[href="/plans/urgings/{notice.pk}/"]').click()
    page.wait_for_url(re.compile(rf"/plans/urgings/{notice.pk}/$"))
    reply = "已与市知识产权局对接交易平台方案，计划8月底前完成首批商标许可交易试点。"
    page.locator("form:has(textarea[name=reply]) textarea[name=reply]").fill(reply)
    with page.expect_navigation():
        page.locator("form:has(textarea[name=reply]) button").click()
    assert page.locator(".messages .msg-success").count() == 1
    assert reply in page.locator(".facts").inner_text()
    assert page.locator("textarea[name=reply]").count() == 0, "a notice is answered once"
    notice.refresh_from_db()
    assert notice.reply == reply and notice.replied_by == staff
    shot(page, "department-urging-answered")

    # Nothing left for the bureau to act on.
    page.goto(f"{live_server.url}/plans/mine/")
    assert page.locator(f'a[href="/plans/reports/{returned.pk}/"]').count() == 0
    assert page.locator(f'a[href="/plans/urgings/{notice.pk}/"]').count() == 0


def test_department_cannot_open_another_departments_measure(
    live_server, jinshan_plan, department_users, page, login, shot
):
    staff = department_users(MARKET)
    other = jinshan_plan.measures.get(seq=OTHER_MEASURE)
    assert not other.assignments.filter(department=staff.department).exists()
    login(page, live_server, staff.username, PASSWORD)

    for path in (
        f"/plans/{PLAN_CODE}/measures/{OTHER_MEASURE}/",
        f"/plans/{PLAN_CODE}/measures/{OTHER_MEASURE}/report/",
    ):
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.status == 404, path
        assert other.reform_item not in page.content()
    shot(page, "department-other-measure-404")
    # …and no way round through the lead office's pages.
    for path in ("/plans/dashboard/", "/plans/reviews/", f"/plans/{PLAN_CODE}/export/"):
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.status in (403, 404), path

    # Its own measure opens.
    response = page.goto(f"{live_server.url}/plans/{PLAN_CODE}/measures/8/")
    assert response is not None and response.status == 200


def test_department_desk_on_a_phone(live_server, jinshan_plan, market_desk, new_page, login, shot):
    staff, _returned, _notice = market_desk
    page = new_page("phone")
    login(page, live_server, staff.username, PASSWORD)
    page.goto(f"{live_server.url}/plans/mine/")
    assert page.locator("button.menu-toggle").is_visible()
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width}px wide on a 390px phone"
    page.locator("button.menu-toggle").click()
    page.locator('#main-nav a[href="/plans/mine/"]').wait_for(state="visible")
    shot(page, "department-my-measures-phone")
