"""Surveys' pages: the lead office's editor, preview, results and export; the enterprise's form."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from jinqi.accounts.models import User
from jinqi.accounts.tests.factories import department_user
from jinqi.surveys import services
from jinqi.surveys.enums import QuestionKind, SurveyState
from jinqi.surveys.models import Response, Survey
from jinqi.surveys.tests.factories import answers_for, firm, lead, survey, user_of

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("x")</script>'
FORMULA = '=HYPERLINK("http://evil.example","点我")'


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_lead_office_creates_previews_and_sends_a_survey() -> None:
    """The editor saves a draft; its page previews the segment's enterprises and reachable users;
    sending notifies them."""
    office = lead()
    inside = firm("C2614", size="small")
    firm("C2614", size="large")
    firm("F5211", size="small")
    user_of(inside)
    client = _client(office)
    response = client.post(
        reverse("surveys:create"),
        {
            "title": "制造业满意度调查",
            "intro": "",
            "open_until": "2099-12-31",
            "industries": "c26",
            "size_classes": ["small"],
            "q-TOTAL_FORMS": "2",
            "q-INITIAL_FORMS": "0",
            "q-0-text": "总体满意度",
            "q-0-kind": QuestionKind.RATING,
            "q-0-required": "on",
            "q-1-text": "",
            "q-1-kind": QuestionKind.TEXT,
        },
    )
    made = Survey.objects.get()
    assert response.status_code == 302 and made.industries == ["C26"]
    page = client.get(reverse("surveys:detail", args=[made.pk])).content.decode()
    assert "data-enterprises>1<" in page and "data-users>1<" in page
    client.post(reverse("surveys:send", args=[made.pk]))
    made.refresh_from_db()
    assert made.state == SurveyState.SENT and made.recipients.count() == 1


def test_a_bad_industry_code_is_refused_with_a_message() -> None:
    """Only GB/T 4754 sections and divisions are accepted as industry prefixes."""
    response = _client(lead()).post(
        reverse("surveys:create"),
        {
            "title": "t",
            "open_until": "2099-12-31",
            "industries": "26x",
            "q-TOTAL_FORMS": "0",
            "q-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "26X" in response.content.decode()
    assert not Survey.objects.exists()


def test_departments_get_403_on_lead_office_pages() -> None:
    """The survey pages of the lead office are forbidden to departments and enterprises."""
    member = user_of(firm())
    sent = survey(lead())
    for user in (department_user(), member):
        client = _client(user)
        for name, args in (
            ("surveys:manage", []),
            ("surveys:detail", [sent.pk]),
            ("surveys:export", [sent.pk]),
        ):
            assert client.get(reverse(name, args=args)).status_code == 403


def test_an_enterprise_outside_the_segment_gets_404() -> None:
    """A survey not sent to the enterprise does not exist for it."""
    firm("C2614")
    outsider = user_of(firm("F5211"))
    sent = survey(lead(), industries=["C"])
    client = _client(outsider)
    assert client.get(reverse("surveys:answer", args=[sent.pk])).status_code == 404
    assert client.post(reverse("surveys:answer", args=[sent.pk]), {}).status_code == 404


def test_enterprise_answers_once_and_a_second_post_changes_nothing() -> None:
    """The form records the answer; posting again shows the refusal and keeps the first."""
    target = firm()
    sent = survey(lead())
    ids = {q.kind: q.pk for q in sent.questions.all()}
    client = _client(user_of(target))
    url = reverse("surveys:answer", args=[sent.pk])
    assert client.post(url, {f"q{ids['rating']}": "4", f"q{ids['single']}": "1"}).status_code == 302
    again = client.post(url, {f"q{ids['rating']}": "1", f"q{ids['single']}": "0"}, follow=True)
    assert "贵企业已经填写过该调查，原回答保持不变。" in again.content.decode()
    assert Response.objects.get().answers.get(question_id=ids["rating"]).rating == 4


def test_the_form_shows_each_message_in_chinese_and_stores_nothing() -> None:
    """A missing required answer and an over-long text are shown on their questions."""
    target = firm()
    sent = survey(lead())
    ids = {q.kind: q.pk for q in sent.questions.all()}
    client = _client(user_of(target))
    page = client.post(
        reverse("surveys:answer", args=[sent.pk]),
        {f"q{ids['single']}": "0", f"q{ids['text']}": "长" * 2001},
    ).content.decode()
    assert "此题必须作答" in page
    assert "回答不能超过 2000 个字（现为 2001 个字）。" in page
    assert not Response.objects.exists()


@pytest.mark.parametrize("typed", ["很好\x00", "很好\x1b[31m"])
def test_a_control_character_in_an_answer_is_shown_and_nothing_is_stored(typed: str) -> None:
    """A NUL or an escape in a text answer is a form error in Chinese; no response is stored."""
    target = firm()
    sent = survey(lead())
    ids = {q.kind: q.pk for q in sent.questions.all()}
    response = _client(user_of(target)).post(
        reverse("surveys:answer", args=[sent.pk]),
        {f"q{ids['rating']}": "4", f"q{ids['single']}": "1", f"q{ids['text']}": typed},
    )
    assert response.status_code == 200
    assert "不允许" in response.content.decode()
    assert not Response.objects.exists()


def test_script_in_answers_is_inert_on_pages_and_in_the_export() -> None:
    """Free text with HTML or a formula is escaped on the results pages and stays text in XLSX."""
    office = lead()
    target = firm(name=f"测试企业{SCRIPT}")
    sent = survey(office)
    services.response_submit(
        survey=sent,
        enterprise=target,
        answers=answers_for(sent, text=SCRIPT + FORMULA),
        acting_user=user_of(target),
    )
    client = _client(office)
    text_id = sent.questions.get(kind=QuestionKind.TEXT).pk
    for url in (
        reverse("surveys:detail", args=[sent.pk]),
        reverse("surveys:texts", args=[sent.pk, text_id]),
    ):
        html = client.get(url).content.decode()
        assert SCRIPT not in html and "&lt;script&gt;" in html
    response = client.get(reverse("surveys:export", args=[sent.pk]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][1] == target.uscc
    assert rows[1][-1] == SCRIPT + FORMULA
    formula_cell = sheet.cell(row=2, column=sheet.max_column)
    assert formula_cell.data_type == "s"


def test_formula_like_cells_stay_text() -> None:
    """web.spreadsheets writes text starting with = + - @ as quoted text, never a formula."""
    from jinqi.web.spreadsheets import xlsx_bytes

    data = xlsx_bytes("t", ["h"], [[FORMULA], ["+1"], ["-2"], ["@SUM(A1)"], [42], ["普通文本"]])
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    cells = [sheet.cell(row=r, column=1) for r in range(2, 8)]
    assert [c.data_type for c in cells] == ["s", "s", "s", "s", "n", "s"]
    assert cells[0].value == FORMULA and cells[0].quotePrefix
    assert not cells[5].quotePrefix
