"""The pages: scoping (404), bad input on the filing form, inert markup in pages and exports,
the duplicate warning, the routing table and the statistics."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from jinqi.accounts.tests.factories import department_user
from jinqi.appeals import services, workflow
from jinqi.appeals.models import Appeal, Category, Entry
from jinqi.appeals.tests import factories as f
from jinqi.core import clock
from jinqi.core.models import StoredFile

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def client_for(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]  # a User
    return client


def filing(**fields: object) -> dict[str, object]:
    return {
        "kind": "request",
        "category": f.category().pk,
        "title": "加计扣除",
        "text": f.TEXT,
        "contact_channel": "inbox",
        "contact_value": "",
        **fields,
    }


def test_another_enterprise_and_another_department_get_404() -> None:
    """An appeal is its enterprise's, its department's and the lead office's business only."""
    appeal = f.filed()
    detail = reverse("appeals:detail", args=[appeal.reference])
    handle = reverse("appeals:handle", args=[appeal.reference])
    assert client_for(f.firm_user()).get(detail).status_code == 404
    assert client_for(department_user("finance")).get(handle).status_code == 404
    staff_page = client_for(f.staff_of(appeal)).get(handle)
    assert staff_page.status_code == 200
    for action in ("respond", "resolve", "ask_info", "transfer", "merge"):
        assert f'data-action="{action}"' in staff_page.content.decode()
    assert client_for(f.lead()).get(handle).status_code == 200


def test_filing_through_the_page() -> None:
    """The form files the appeal with its attachment and opens it."""
    user = f.firm_user()
    response = client_for(user).post(reverse("appeals:file"), {**filing(), "files": [f.pdf()]})
    appeal = Appeal.objects.get()
    assert response["Location"] == reverse("appeals:detail", args=[appeal.reference])
    assert appeal.attachments.count() == 1


def test_an_oversized_text_is_refused_with_a_message_and_nothing_stored() -> None:
    response = client_for(f.firm_user()).post(
        reverse("appeals:file"), {**filing(text="长" * 5001), "files": [f.pdf()]}
    )
    assert response.status_code == 200
    assert "5000" in response.content.decode()
    assert not Appeal.objects.exists() and not StoredFile.objects.exists()


def test_a_renamed_executable_is_refused_on_the_page() -> None:
    program = SimpleUploadedFile("发票.png", b"\x7fELF" + b"\x00" * 100)
    response = client_for(f.firm_user()).post(
        reverse("appeals:file"), {**filing(), "files": [program]}
    )
    assert "发票.png" in response.content.decode()
    assert not Appeal.objects.exists() and not StoredFile.objects.exists()


def test_a_likely_duplicate_is_warned_and_may_still_be_filed() -> None:
    """The second telling of the same matter is held back once with a warning; posted again it
    is filed."""
    user = f.firm_user()
    original = f.filed(user)
    client = client_for(user)
    response = client.post(reverse("appeals:file"), filing())
    assert original.reference in response.content.decode()
    assert Appeal.objects.count() == 1
    client.post(reverse("appeals:file"), filing(file_anyway="on"))
    assert Appeal.objects.count() == 2


def test_a_busy_database_answers_a_retry_page_and_files_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A filing whose write finds the SQLite database locked (after the appeal row was
    written) answers 503 with the retry message and Retry-After; nothing is filed."""

    def locked(**_kwargs: object) -> None:
        raise OperationalError("database is locked")

    monkeypatch.setattr(workflow, "audit_record", locked)
    response = client_for(f.firm_user()).post(
        reverse("appeals:file"), {**filing(), "files": [f.pdf()]}
    )
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "系统繁忙，请求未能完成。请几秒钟后重试。" in response.content.decode()
    assert not Appeal.objects.exists() and not Entry.objects.exists()


def test_markup_is_inert_on_every_page_and_in_the_export() -> None:
    """Script in the title, the text and the answer is shown as text on the enterprise's and the
    department's pages; in the XLSX a cell starting like a formula is kept as text."""
    user = f.firm_user()
    appeal = f.filed(user, title='=HYPERLINK("http://x")' + SCRIPT[:40], text=SCRIPT)
    staff = f.staff_of(appeal)
    f.step(services.appeal_resolve, appeal, staff, answer=SCRIPT)
    pages = [
        client_for(user).get(reverse("appeals:detail", args=[appeal.reference])),
        client_for(user).get(reverse("appeals:mine")),
        client_for(staff).get(reverse("appeals:handle", args=[appeal.reference])),
        client_for(staff).get(reverse("appeals:queue")),
    ]
    for page in pages:
        html = page.content.decode()
        assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert" in pages[0].content.decode()
    export = client_for(staff).get(reverse("appeals:queue_xlsx"))
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert sheet is not None
    title = sheet.cell(row=2, column=4).value
    assert isinstance(title, str) and title.startswith("=HYPERLINK")
    assert sheet.cell(row=2, column=4).data_type == "s"  # text, not a formula
    assert sheet.cell(row=2, column=4).quotePrefix


def test_contacts_are_masked_in_the_export_and_for_the_lead_office() -> None:
    """The handling department sees the phone number it must call; lists and the lead office
    see it masked."""
    appeal = f.filed()
    staff = f.staff_of(appeal)
    assert (
        "13812345678"
        in client_for(staff)
        .get(reverse("appeals:handle", args=[appeal.reference]))
        .content.decode()
    )
    lead_page = client_for(f.lead()).get(reverse("appeals:handle", args=[appeal.reference]))
    assert (
        "13812345678" not in lead_page.content.decode()
        and "138****5678" in lead_page.content.decode()
    )
    export = client_for(staff).get(reverse("appeals:queue_xlsx"))
    assert b"13812345678" not in export.content  # (a zip: checked again unpacked below)
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert sheet is not None
    assert "138****5678" in str(sheet.cell(row=2, column=9).value)


def test_the_queue_filters_overdue_appeals() -> None:
    late = f.filed(title="逾期事项")
    staff = f.staff_of(late)
    clock.advance(dt.timedelta(days=10))
    fresh = f.filed(title="新事项", text="完全无关的另一件事情，关于社保缴费基数的确认。")
    page = client_for(staff).get(reverse("appeals:queue"), {"overdue": "on"}).content.decode()
    assert late.reference in page and fresh.reference not in page


def test_the_routing_table_page_saves_and_validates() -> None:
    """The lead office reroutes a category on the page; switching every category off is refused."""
    lead = f.lead()
    client = client_for(lead)
    categories = list(Category.objects.all())
    data: dict[str, object] = {}
    for c in categories:
        data[f"department_{c.pk}"] = c.department_id
        data[f"regime_{c.pk}"] = c.regime_id
        data[f"active_{c.pk}"] = "on"
    tax = f.category()
    finance = department_user("finance").department
    assert finance is not None
    data[f"department_{tax.pk}"] = finance.pk
    assert client.post(reverse("appeals:routing"), data).status_code == 302
    assert f.category().department_id == finance.pk
    refused = {k: v for k, v in data.items() if not k.startswith("active_")}
    response = client.post(reverse("appeals:routing"), refused)
    assert response.status_code == 200 and 'role="alert"' in response.content.decode()


def test_the_statistics_page_and_its_export() -> None:
    appeal, user, _staff = f.resolved()
    f.step(services.appeal_confirm, appeal, user, rating=5)
    client = client_for(f.lead())
    page = client.get(reverse("appeals:statistics"))
    assert page.status_code == 200 and "chart-rates" in page.content.decode()
    export = client.get(reverse("appeals:statistics_xlsx"))
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert sheet is not None and sheet.cell(row=2, column=2).value == 1


def test_appeals_use_their_own_words_on_pages_and_in_exports() -> None:
    """An appeal's number is 诉求编号 (not an application's 申报编号), its time limits are 首次
    响应期限 and 办结期限, a closed appeal is 已办结 (not 已截止), and the statistics say 响应率
    and 按时响应数 throughout."""
    appeal, user, staff = f.resolved()
    f.step(services.appeal_confirm, appeal, user, rating=5)
    queue = client_for(staff).get(reverse("appeals:queue")).content.decode()
    assert "诉求编号" in queue and "申报编号" not in queue
    assert "已办结" in client_for(user).get(reverse("appeals:mine")).content.decode()
    export = client_for(staff).get(reverse("appeals:queue_xlsx"))
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert sheet is not None and sheet.cell(row=1, column=1).value == "诉求编号"
    assert sheet.cell(row=2, column=8).value == "已办结"
    fresh = f.filed(title="新事项", text="关于社保缴费基数的确认。")
    handling = client_for(f.staff_of(fresh)).get(reverse("appeals:queue")).content.decode()
    assert "首次响应期限" in handling and "答卷" not in handling

    lead = client_for(f.lead())
    page = lead.get(reverse("appeals:statistics")).content.decode()
    assert page.count("响应率") >= 2 and "回复率" not in page
    stats = load_workbook(io.BytesIO(lead.get(reverse("appeals:statistics_xlsx")).content)).active
    assert stats is not None
    header = [cell.value for cell in stats[1]]
    assert "按时响应数" in header and "办结数" in header and "按时报送" not in header
