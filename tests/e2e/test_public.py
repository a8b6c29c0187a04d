"""An anonymous visitor follows the plan's public progress page, on a desktop and on a phone."""

from __future__ import annotations

import pytest

from jinqi.plans.enums import MeasureStatus

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_public_progress_lists_the_100_measures_with_statuses_and_published_summaries(
    live_server, jinshan_plan, reviewed_progress, new_page, shot, wait_for_charts
):
    reports = reviewed_progress(jinshan_plan, list(range(1, 13)))
    published = [r for r in reports if r.is_public]
    assert published, "the data builder publishes the summaries of completed measures"

    page = new_page("desktop")
    response = page.goto(f"{live_server.url}/plans/public/")
    assert response is not None and response.status == 200
    assert page.locator(".site-header .who").count() == 0, "the visitor is anonymous"

    rows = page.locator(".table-wrap table tbody tr")
    assert rows.count() == 100
    # The rows are folded away (hidden, so read as text content, not rendered text).
    assert (rows.first.locator("td").first.text_content() or "").strip().startswith("1")
    # Every row shows one of the four statuses, as a badge.
    assert page.locator("tbody tr .status").count() == 100
    for status in (MeasureStatus.COMPLETED, MeasureStatus.IN_PROGRESS, MeasureStatus.BLOCKED):
        assert page.locator(f"tbody tr .status-{status}").count() >= 1, status
    assert page.locator(f"tbody tr .status-{MeasureStatus.NOT_STARTED}").count() >= 80

    # The summaries the lead office published are on the page, next to their measures.
    for report in published:
        seq = report.assignment.measure.seq
        row = rows.nth(seq - 1)
        assert (row.locator("td").first.text_content() or "").strip().startswith(str(seq))
        assert report.public_summary in (row.text_content() or "")
        assert "2022-06" in (row.text_content() or "")
    # …and nothing internal: review comments and unpublished narratives stay inside.
    body = page.locator("main").text_content() or ""
    assert "按节点推进，请继续巩固成效" not in body
    assert "形成阶段成果" not in body

    assert wait_for_charts(page) == 1
    # 100 measures folded by service area: the page is an overview, not 12,000 pixels of rows;
    # every area folded with its counts until opened (a status filter opens them all).
    groups = page.locator("details.area-group")
    assert groups.count() >= 3  # the plan's three service areas
    assert page.locator("details.area-group[open]").count() == 0
    height = page.evaluate("() => document.documentElement.scrollHeight")
    assert height < 2500, f"the public progress page is {height}px long"
    shot(page, "public-progress-desktop")
    second = groups.nth(1)
    assert second.locator("tbody tr").first.is_hidden()
    second.locator("summary").click()
    assert second.locator("tbody tr").first.is_visible()

    # Filtering by status keeps only the completed measures.
    page.locator("select[name=status]").select_option(MeasureStatus.COMPLETED)
    with page.expect_navigation():
        page.locator("form.toolbar:has(select[name=status]) button").click()
    assert "status=completed" in page.url
    assert rows.count() == page.locator(f"tbody tr .status-{MeasureStatus.COMPLETED}").count()
    assert page.locator("details.area-group:not([open])").count() == 0
    assert rows.count() >= len(published)


def test_public_progress_on_a_phone_collapses_the_menu(
    live_server, jinshan_plan, reviewed_progress, new_page, shot, wait_for_charts
):
    reviewed_progress(jinshan_plan, [1, 2, 3, 4])
    page = new_page("phone")
    page.goto(f"{live_server.url}/plans/public/")
    wait_for_charts(page)

    toggle = page.locator("button.menu-toggle")
    nav = page.locator("#main-nav")
    assert toggle.is_visible()
    assert nav.is_hidden()
    assert toggle.get_attribute("aria-expanded") == "false"
    # Nothing but the tables may be wider than the phone: the page itself does not scroll sideways.
    page_width = page.evaluate("() => document.documentElement.scrollWidth")
    assert page_width <= 390, f"the page is {page_width}px wide on a 390px phone"
    shot(page, "public-progress-phone")

    toggle.click()
    nav.wait_for(state="visible")
    assert toggle.get_attribute("aria-expanded") == "true"
    assert nav.locator('a[href="/plans/public/"]').is_visible()
    shot(page, "public-progress-phone-menu-open")

    toggle.click()
    nav.wait_for(state="hidden")
