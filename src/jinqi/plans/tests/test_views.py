"""The supervision console's pages: import with every problem listed, HTMX ledger, calendar."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from jinqi.accounts.tests.factories import UserFactory, department_user
from jinqi.core import clock
from jinqi.core.models import CalendarOverride
from jinqi.plans.models import Measure, Plan
from jinqi.plans.tests.factories import import_plan, jinshan_2022_csv, small_plan_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead_client() -> Client:
    client = Client()
    client.force_login(UserFactory(lead_office=True))
    return client


def _upload(client: Client, content: bytes, name: str = "plan.csv") -> str:
    response = client.post(
        reverse("plans:import"),
        {
            "file": SimpleUploadedFile(name, content),
            "code": "upload-2022",
            "title": "上传方案",
            "year": 2022,
        },
    )
    return response.content.decode() if response.status_code == 200 else response["Location"]


def test_import_page_lists_every_bad_row_and_imports_nothing(lead_client: Client) -> None:
    """A GBK file with an unknown unit and a bad deadline shows both rows' problems; no plan."""
    content = (
        small_plan_csv(
            "1,是,一、基本服务,（一）行动一,事项一,举措一,区不存在局,6月",
            "2,否,一、基本服务,（一）行动一,事项二,举措二,区市场监管局,下半年",
        )
        .decode()
        .encode("gbk")
    )
    page = _upload(lead_client, content)
    assert "发现 2 个问题，未导入任何内容" in page
    assert "第 2 行：未知的责任单位“区不存在局”" in page
    assert "第 3 行：时间节点“下半年”" in page
    assert not Plan.objects.filter(code="upload-2022").exists()
    assert Measure.objects.count() == 0


def test_import_page_imports_a_good_xlsx_named_csv(lead_client: Client) -> None:
    """The file type is read from the content: an XLSX workbook named .csv imports fine."""
    import io

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for line in small_plan_csv().decode().splitlines():
        sheet.append(line.split(","))
    buffer = io.BytesIO()
    book.save(buffer)
    location = _upload(lead_client, buffer.getvalue(), name="plan.csv")
    assert location.endswith("?plan=upload-2022")
    assert Plan.objects.get(code="upload-2022").measures.count() == 3


def test_ledger_filter_answers_htmx_with_the_results_only(lead_client: Client) -> None:
    """Filtering with HTMX returns the results fragment, not the whole page."""
    import_plan(small_plan_csv())
    url = reverse("plans:ledger") + "?plan=test-2022&department=finance"
    fragment = lead_client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment
    assert "事项二" in fragment and "事项一" not in fragment
    page = lead_client.get(url).content.decode()
    assert "<html" in page and 'id="ledger-results"' in page


def test_lead_office_corrects_the_working_day_calendar(lead_client: Client) -> None:
    """A correction needs a reason; with one it is saved and changes the working days."""
    url = reverse("plans:calendar")
    response = lead_client.post(url, {"day": "2027-02-06", "is_working_day": "1", "note": ""})
    assert "这个字段是必填项" in response.content.decode()
    assert not CalendarOverride.objects.exists()
    lead_client.post(url, {"day": "2027-02-06", "is_working_day": "1", "note": "春节调休"})
    override = CalendarOverride.objects.get()
    assert override.day == dt.date(2027, 2, 6) and override.is_working_day


@pytest.mark.parametrize("year", ["<script>", "' OR 1=1 --", "99999999999999999999", "1999"])
def test_a_calendar_year_that_is_not_a_year_shows_this_year_with_a_message(
    lead_client: Client, year: str
) -> None:
    """The calendar's year parameter out of range or not a number: this year, and why."""
    with clock.frozen_at(dt.datetime(2026, 12, 7, 9, tzinfo=dt.UTC)):
        response = lead_client.get(reverse("plans:calendar"), {"year": year})
    page = response.content.decode()
    assert response.status_code == 200
    assert "工作日历 · 2026" in page
    assert "年份应在 2000 至 2100 之间" in page


def test_department_cannot_import_or_edit_the_calendar() -> None:
    """Import and calendar are the lead office's: department staff get 403."""
    client = Client()
    client.force_login(department_user())
    assert client.get(reverse("plans:import")).status_code == 403
    assert client.get(reverse("plans:calendar")).status_code == 403


def test_page_links_keep_the_filters(lead_client: Client) -> None:
    """Paging through a filtered ledger keeps the plan and the filter in the links."""
    import_plan(jinshan_2022_csv(), code="jinshan-2022")
    page = lead_client.get(reverse("plans:ledger") + "?plan=jinshan-2022&area=").content.decode()
    assert 'href="?plan=jinshan-2022&amp;area=&amp;page=2"' in page
