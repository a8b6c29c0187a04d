"""Service guides and FAQs: a department writes its own (audited), another's is out of reach,
the forms refuse bad input in Chinese, and anyone reads them."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from jinqi.accounts.tests.factories import department_user
from jinqi.audit.models import AuditEvent
from jinqi.core.errors import PermissionDenied
from jinqi.guides.forms import GuideForm
from jinqi.guides.models import Faq, ServiceGuide
from jinqi.guides.services import FaqData, GuideData, faq_create, guide_create, guide_update

pytestmark = pytest.mark.django_db

DATA = GuideData(
    title="企业设立登记指南", matter="企业设立登记", body="全程网办，一个工作日内办结。"
)


def test_a_department_writes_its_own_guide_with_an_audit_row() -> None:
    """Creating and changing a guide records who did it; another department cannot change it."""
    staff = department_user("market-regulation")
    made = guide_create(data=DATA, acting_user=staff)
    assert made.department.code == "market-regulation"
    assert AuditEvent.objects.filter(object_id=str(made.pk), actor=staff).exists()
    with pytest.raises(PermissionDenied):
        guide_update(guide=made, data=DATA, acting_user=department_user("finance"))


def test_another_departments_guide_is_a_404_on_its_edit_page() -> None:
    """The edit page of another department's guide or FAQ is not found."""
    made = guide_create(data=DATA, acting_user=department_user("market-regulation"))
    faq = faq_create(
        data=FaqData(category="企业开办", question="多久办结？", answer="一个工作日。"),
        acting_user=department_user("market-regulation"),
    )
    client = Client()
    client.force_login(department_user("finance"))
    assert client.get(reverse("guides:guide_edit", args=[made.pk])).status_code == 404
    assert client.get(reverse("guides:faq_edit", args=[faq.pk])).status_code == 404
    assert client.post(reverse("guides:guide_delete", args=[made.pk])).status_code == 404
    assert ServiceGuide.objects.filter(pk=made.pk).exists()


def test_the_guide_form_refuses_bad_input_in_chinese() -> None:
    """A blank title, a too-short text and a plain-http address are refused with reasons."""
    form = GuideForm(
        {"title": "   ", "matter": "设立", "body": "太短", "online_url": "http://example.com"}
    )
    assert not form.is_valid()
    assert form.errors["title"] == ["这个字段是必填项。"] or "空格" in form.errors["title"][0]
    assert "20" in form.errors["body"][0]
    assert "https" in form.errors["online_url"][0]


def test_staff_create_a_faq_through_the_page_and_anyone_reads_it() -> None:
    """Posting the form publishes the FAQ; a visitor reads it and finds it by search."""
    client = Client()
    client.force_login(department_user("tax-jinshan"))
    response = client.post(
        reverse("guides:faq_create"),
        {
            "category": "纳税",
            "question": "如何申请纳税信用修复？",
            "answer": "在电子税务局提交申请。",
        },
    )
    faq = Faq.objects.get()
    assert response.status_code == 302
    page = Client().get(reverse("guides:faq_detail", args=[faq.pk])).content.decode()
    assert "如何申请纳税信用修复？" in page
    found = Client().get(reverse("search:search"), {"q": "纳税信用修复"}).content.decode()
    assert "常见问题" in found and "<mark>纳税信用修复</mark>" in found


def test_demo_content_loads_and_is_searchable() -> None:
    """The demo guides and FAQs load (one account per department is made by the accounts demo)."""
    from jinqi.demo.accounts import demo_accounts_load
    from jinqi.demo.guides import demo_guides_load
    from jinqi.search.query import search

    demo_accounts_load(lambda _m: None)
    demo_guides_load(lambda _m: None)
    assert ServiceGuide.objects.count() >= 30 and Faq.objects.count() >= 15
    assert search("企业开办").total >= 3
    assert search("公积金").total >= 3


@pytest.mark.parametrize("query", ["department=%00", "category=%1B", "%00=x"])
def test_a_control_character_in_a_public_filter_is_a_400_page(query: str) -> None:
    """Anyone's filter with a NUL or an escape gets a 400 page in Chinese, not a server error."""
    for name in ("guides:guide_list", "guides:faq_list"):
        response = Client().get(f"{reverse(name)}?{query}")
        assert response.status_code == 400
        assert "不允许" in response.content.decode()
