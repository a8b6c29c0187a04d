"""A satisfaction survey end to end: the lead office creates one for manufacturers, checks the
segment and sends it; an enterprise answers from its page; the lead office sees the chart."""

from __future__ import annotations

import pytest

from jinqi.accounts.tests.factories import PASSWORD, UserFactory
from jinqi.surveys import services
from jinqi.surveys.models import Response, Survey
from jinqi.surveys.tests.factories import firm, user_of

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_lead_office_sends_a_survey_an_enterprise_answers_and_the_chart_shows_it(
    live_server, transactional_db, new_page, login, shot, wait_for_charts
):
    office = UserFactory(username="lead", full_name="牵头办 李督办", lead_office=True)
    answering = firm("C2614", size="small", name="上海金山示范化工有限公司")
    others = [firm("C3411", size=size) for size in ("small", "medium", "large")]
    firm("F5211", size="small", name="上海金山零售有限公司")  # outside the segment
    owner = user_of(answering)
    colleagues = [user_of(o) for o in others]

    page = new_page("desktop")
    login(page, live_server, office.username, PASSWORD)
    page.goto(f"{live_server.url}/surveys/manage/new/")
    page.fill("#id_title", "2026年制造业企业满意度调查")
    page.fill("#id_open_until", "2099-12-31")
    page.fill("#id_industries", "C")
    page.fill("#id_q-0-text", "总体而言，您对本区营商环境的满意程度")
    page.select_option("#id_q-0-kind", "rating")
    page.fill("#id_q-1-text", "您最希望改进的方面")
    page.select_option("#id_q-1-kind", "multiple")
    page.uncheck("#id_q-1-required")
    page.fill("#id_q-1-choices", "审批时限\n融资支持\n用工招聘")
    page.fill("#id_q-2-text", "意见和建议")
    page.select_option("#id_q-2-kind", "text")
    page.uncheck("#id_q-2-required")
    with page.expect_navigation():
        page.get_by_role("button", name="保存草稿").click()
    assert page.locator("[data-enterprises]").inner_text() == "4"
    assert page.locator("[data-users]").inner_text() == "4"
    shot(page, "surveys-draft-preview")
    with page.expect_navigation():
        page.get_by_role("button", name="发送调查").click()
    assert "已发送给 4 家企业" in page.content()
    survey = Survey.objects.get()

    for colleague, target, rating in zip(colleagues, others, (5, 3, 4), strict=True):
        services.response_submit(
            survey=survey,
            enterprise=target,
            answers={survey.questions.get(position=1).pk: rating},
            acting_user=colleague,
        )

    phone = new_page("phone")
    login(phone, live_server, owner.username, PASSWORD)
    with phone.expect_navigation():
        phone.locator("[data-panel=surveys] a.btn").first.click()
    phone.locator("input[name^=q][value='4']").first.check()
    phone.get_by_label("融资支持").check()
    phone.locator("textarea").fill('<script>alert("x")</script>希望简化审批。')
    shot(phone, "surveys-answer-phone")
    with phone.expect_navigation():
        phone.get_by_role("button", name="提交答卷").click()
    assert "答卷已提交" in phone.content()
    assert Response.objects.filter(survey=survey).count() == 4

    page.reload()
    assert page.locator("[data-responses]").inner_text() == "4"
    assert page.locator("[data-rate]").inner_text() == "100.0%"
    assert page.locator("[data-average]").first.inner_text() == "4.0"
    assert "<script>alert" in page.locator(".free-text").inner_text()  # shown as text, inert
    assert wait_for_charts(page) >= 3
    shot(page, "surveys-results")
