"""The lead office supervises the plan: dashboard, reviews, urging, the supervision log, the
ledger and its Excel export."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import translation
from openpyxl import load_workbook

from jinqi.accounts.models import Department
from jinqi.accounts.tests.factories import PASSWORD
from jinqi.core import clock
from jinqi.plans import selectors, services
from jinqi.plans.enums import MeasureStatus, Rating, ReportState, SupervisionKind
from jinqi.plans.exporting import LEDGER_COLUMNS, ledger_headings
from jinqi.plans.models import ProgressReport, SupervisionEntry, UrgingNotice

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PLAN_CODE = "jinshan-2022"  # the code the jinshan_plan fixture imports the plan under
# Measures rated and partly published before the test starts: a spread of departments.
REVIEWED = list(range(60, 76))


def _submitted(plan, seq, code, department_users, *, status=MeasureStatus.IN_PROGRESS):
    """The department reports on June 2022 in early July, as it should."""
    with clock.frozen_at(dt.datetime(2022, 7, 5, 11, 0)):
        return services.report_save(
            measure=plan.measures.get(seq=seq),
            period=dt.date(2022, 6, 1),
            status=status,
            narrative="六月完成系统改造方案评审，已在两个办事窗口试运行，企业反映良好。",
            submit=True,
            acting_user=department_users(code),
        )


def test_dashboard_shows_charts_and_overdue_measures_and_the_ledger_exports_to_excel(
    live_server,
    jinshan_plan,
    lead_office_user,
    reviewed_progress,
    page,
    login,
    shot,
    wait_for_charts,
    tmp_path,
):
    reviewed_progress(jinshan_plan, REVIEWED)
    states = selectors.measure_states(jinshan_plan)
    overdue = [s.measure.seq for s in states if s.overdue]
    assert overdue, "measures with a month deadline in 2022 and no completion are overdue"

    login(page, live_server, lead_office_user.username, PASSWORD)
    page.locator('#main-nav a[href="/plans/dashboard/"]').click()
    page.wait_for_url(re.compile(r"/plans/dashboard/$"))

    assert wait_for_charts(page) == 4
    for name in ("chart-status", "chart-area", "chart-action", "chart-timeliness"):
        chart = page.locator(f'[data-chart="{name}"]')
        box = chart.locator("canvas").first.bounding_box()
        assert box is not None and box["width"] > 200 and box["height"] > 200, name

    # The overdue list holds exactly the overdue measures, each linking to its page.
    rows = page.locator("tr.overdue")
    assert rows.count() == len(overdue)
    links = rows.locator(f'a[href^="/plans/{PLAN_CODE}/measures/"]')
    shown = sorted(int(h.split("/")[-2]) for h in links.evaluate_all("a => a.map(x => x.href)"))
    assert shown == sorted(overdue)
    stats = page.locator(".stats .stat .value").all_inner_texts()
    assert stats[0] == "100" and str(len(overdue)) in stats
    shot(page, "lead-office-dashboard")

    # The ledger: 100 measures, 25 a page.
    page.goto(f"{live_server.url}/plans/ledger/?plan={PLAN_CODE}")
    assert page.locator(".table-wrap tbody tr").count() == 25
    assert "100" in page.locator("main p.muted").first.inner_text()
    shot(page, "lead-office-ledger")

    # The Excel export, downloaded through the link on the dashboard.
    page.goto(f"{live_server.url}/plans/dashboard/?plan={PLAN_CODE}")
    with page.expect_download() as info:
        page.locator(f'a[href="/plans/{PLAN_CODE}/export/?format=xlsx"]').click()
    download = info.value
    assert download.suggested_filename == f"{PLAN_CODE}-ledger.xlsx"
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    book = load_workbook(target, read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    book.close()
    with translation.override("zh-hans"):
        headings = ledger_headings()
        labels = {s.measure.seq: str(MeasureStatus(s.status).label) for s in states}
    assert list(rows[0]) == headings
    assert headings[0] == "序号" and headings[-2:] == ["推进状态", "最近报告"]
    data = [r for r in rows[1:] if any(v not in (None, "") for v in r)]
    assert len(data) == 100
    assert [int(r[0]) for r in data] == list(range(1, 101))
    by_seq = {int(r[0]): r for r in data}
    status = LEDGER_COLUMNS.index("status")
    for seq, label in labels.items():
        assert by_seq[seq][status] == label


def test_lead_office_rates_one_report_and_returns_another(
    live_server,
    jinshan_plan,
    lead_office_user,
    department_users,
    reviewed_progress,
    page,
    login,
    shot,
):
    reviewed_progress(jinshan_plan, REVIEWED[:4])
    to_rate = _submitted(jinshan_plan, 8, "market-regulation", department_users)
    to_return = _submitted(jinshan_plan, 2, "construction", department_users)

    login(page, live_server, lead_office_user.username, PASSWORD)
    page.goto(f"{live_server.url}/plans/reviews/")
    queue = page.locator(".table-wrap tbody tr")
    assert queue.count() == 2
    page.locator(f'a[href="/plans/reports/{to_rate.pk}/"]').click()
    page.wait_for_url(re.compile(rf"/plans/reports/{to_rate.pk}/$"))

    summary = "区市场监管局完成公平竞争审查系统改造，已在两个窗口试运行。"
    review = page.locator(f'form[action="/plans/reports/{to_rate.pk}/review/"]')
    review.locator("select[name=rating]").select_option(Rating.EXCELLENT)
    review.locator("textarea[name=comment]").fill("进展扎实，材料完整。")
    review.locator("textarea[name=public_summary]").fill(summary)
    shot(page, "lead-office-review")
    with page.expect_navigation():
        review.locator("button").click()
    assert page.locator(".messages .msg-success").count() == 1
    assert summary in page.locator(".facts").inner_text()
    assert page.locator(f'form[action="/plans/reports/{to_rate.pk}/publish/"]').count() == 1
    shot(page, "lead-office-review-saved")
    to_rate.refresh_from_db()
    assert to_rate.state == ReportState.REVIEWED
    assert to_rate.rating == Rating.EXCELLENT
    assert to_rate.is_public and to_rate.public_summary == summary

    page.goto(f"{live_server.url}/plans/reports/{to_return.pk}/")
    rework = page.locator(f'form[action="/plans/reports/{to_return.pk}/return/"]')
    comment = "请补充本月具体工作量化数据和佐证材料后重新报送。"
    rework.locator("textarea[name=comment]").fill(comment)
    with page.expect_navigation():
        rework.locator("button").click()
    assert page.locator(".messages .msg-success").count() == 1
    assert comment in page.locator(".facts").inner_text()
    assert page.locator(f'form[action="/plans/reports/{to_return.pk}/review/"]').count() == 0
    to_return.refresh_from_db()
    assert to_return.state == ReportState.RETURNED
    assert to_return.review_comment == comment

    page.goto(f"{live_server.url}/plans/reviews/")
    assert page.locator(".table-wrap tbody tr").count() == 0
    assert page.locator("main .empty").count() == 1


def test_lead_office_urges_a_department_and_records_a_visit(
    live_server, jinshan_plan, lead_office_user, page, login, shot
):
    market = Department.objects.get(code="market-regulation")
    measure = jinshan_plan.measures.get(seq=12)
    login(page, live_server, lead_office_user.username, PASSWORD)

    # 催办: urge the department on its measure, with a date to reply by.
    page.goto(f"{live_server.url}/plans/{PLAN_CODE}/measures/12/")
    urging = page.locator(f'form[action="/plans/{PLAN_CODE}/measures/12/urge/"]')
    page.locator("details", has=urging).locator("summary").click()
    urging.locator("select[name=department]").select_option(str(market.pk))
    message = "第12项措施已临近节点，请于两周内书面报告推进情况及存在困难。"
    urging.locator("textarea[name=message]").fill(message)
    reply_due = clock.today() + dt.timedelta(days=14)
    urging.locator("input[name=reply_due]").fill(reply_due.isoformat())
    with page.expect_navigation():
        urging.locator("button").click()
    assert page.locator(".messages .msg-success").count() == 1
    notice = UrgingNotice.objects.get(measure=measure)
    assert notice.department == market and notice.message == message
    assert notice.reply_due == reply_due and notice.issued_by == lead_office_user
    assert page.locator(f'a[href="/plans/urgings/{notice.pk}/"]').count() == 1
    shot(page, "lead-office-urging")

    # 会、访、问: a visit to the department, recorded against two of its measures.
    page.goto(f"{live_server.url}/plans/supervision/?plan={PLAN_CODE}")
    form = page.locator("form:has(select[name=kind])")
    page.locator("details", has=form).locator("summary").click()
    form.locator("select[name=kind]").select_option(SupervisionKind.VISIT)
    form.locator("input[name=held_on]").fill("2022-07-20")
    form.locator("input[name=title]").fill("走访区市场监管局：企业开办与登记变更")
    form.locator("textarea[name=summary]").fill(
        "听取一网通办和登记变更网上办理进展汇报，现场查看窗口运行。"
    )
    form.locator("input[name=participants]").fill("区营商办、区市场监管局")
    pks = [str(jinshan_plan.measures.get(seq=seq).pk) for seq in (11, 12)]
    for pk in pks:
        form.locator(f"input[name=measures][value='{pk}']").check()
    shot(page, "lead-office-supervision-form")
    with page.expect_navigation():
        form.locator("button").click()
    assert page.locator(".messages .msg-success").count() == 1
    entry = SupervisionEntry.objects.get(plan=jinshan_plan)
    assert entry.kind == SupervisionKind.VISIT and entry.held_on == dt.date(2022, 7, 20)
    assert sorted(entry.measures.values_list("seq", flat=True)) == [11, 12]
    timeline = page.locator("ul.timeline")
    assert "走访区市场监管局" in timeline.inner_text()
    assert timeline.locator(f'a[href="/plans/{PLAN_CODE}/measures/12/"]').count() == 1
    shot(page, "lead-office-supervision-log")

    # Both show on the measure's page.
    page.goto(f"{live_server.url}/plans/{PLAN_CODE}/measures/12/")
    assert "走访区市场监管局" in page.locator("main").inner_text()
    assert ProgressReport.objects.count() == 0
