"""The pages: the enterprise asks on its page, the provider fills in the checklist and agrees
rectifications, the 区司法局 edits the checklist; refusals leave nothing changed."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from jinqi.accounts.tests.factories import department_user
from jinqi.core import clock
from jinqi.legalcheck.enums import CheckState, Grade
from jinqi.legalcheck.models import ChecklistItem, LegalCheck
from jinqi.legalcheck.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _mid_2026():
    with clock.frozen_at(f.TODAY):
        yield


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_enterprise_asks_on_its_page():
    """Posting the request form makes one check and leads to its page, in Chinese."""
    firm = f.firm()
    client = client_of(f.owner(firm))
    page = client.get(reverse("legalcheck:mine"))
    assert "申请法治体检" in page.content.decode()
    response = client.post(reverse("legalcheck:mine"), {"topics": "合同管理"}, follow=True)
    check = LegalCheck.objects.get(enterprise=firm)
    assert check.state == CheckState.REQUESTED
    assert "区司法局" in response.content.decode()
    again = client.post(reverse("legalcheck:mine"), {"topics": ""}, follow=True)
    assert "已有正在进行的法治体检" in again.content.decode()
    assert LegalCheck.objects.filter(enterprise=firm).count() == 1


def test_checklist_page_says_it_is_the_districts():
    """The checklist names its nine sections and says it is not a national standard."""
    page = client_of(f.owner(f.firm())).get(reverse("legalcheck:checklist")).content.decode()
    assert "不是国家标准" in page
    for section in (
        "法人治理",
        "公司建制",
        "商事合同",
        "知识产权保护",
        "劳动人事",
        "财税",
        "法务",
        "经营异常信息",
        "涉诉",
    ):
        assert section in page


def test_provider_fills_in_and_a_risk_without_advice_is_refused():
    """An amber grade without advice is refused in Chinese and nothing is stored; with advice
    it is saved."""
    provider = f.justice_staff()
    check = f.accepted(f.firm(), provider)
    item = ChecklistItem.objects.get(section="contracts", number=1)
    client = client_of(provider)
    url = reverse("legalcheck:fill", args=[check.pk])
    assert client.get(url).status_code == 200
    refused = client.post(
        url, {f"grade_{item.pk}": Grade.AMBER, f"observation_{item.pk}": "无台账"}
    )
    assert "请对风险" in refused.content.decode()
    assert not check.findings.filter(item=item).exists()
    client.post(
        url,
        {
            f"grade_{item.pk}": Grade.AMBER,
            f"observation_{item.pk}": "无台账",
            f"advice_{item.pk}": "建立合同台账",
        },
    )
    assert check.findings.get(item=item).advice == "建立合同台账"


def test_rectification_deadline_from_the_page():
    """Agreeing a rectification on the check's page shows its due date."""
    provider = f.justice_staff()
    check = f.accepted(f.firm(), provider)
    finding = f.amber_labour(check, provider)
    client = client_of(provider)
    response = client.post(
        reverse("legalcheck:rectification_add", args=[check.pk]),
        {"finding": finding.pk, "action": "补签劳动合同", "working_days": 10},
        follow=True,
    )
    assert "2026-07-15" in response.content.decode()


def test_another_enterprise_and_department_get_404():
    """A check is not found by another enterprise or by a department that is not a provider."""
    check = f.requested(f.firm())
    for user in (f.owner(f.firm("另一家公司")), department_user()):
        assert client_of(user).get(reverse("legalcheck:detail", args=[check.pk])).status_code == 404


def test_only_the_justice_bureau_gets_the_editor():
    """The checklist editor is shown to the 区司法局; another department reads the list only,
    and its post adds nothing."""
    count = ChecklistItem.objects.count()
    other = client_of(department_user())
    assert "添加项目" not in other.get(reverse("legalcheck:checklist")).content.decode()
    data = {"section": "contracts", "number": 9, "question": "电子签章", "active": "on"}
    other.post(reverse("legalcheck:checklist"), data)
    assert ChecklistItem.objects.count() == count
    justice = client_of(f.justice_staff())
    justice.post(reverse("legalcheck:checklist"), data)
    assert ChecklistItem.objects.count() == count + 1
