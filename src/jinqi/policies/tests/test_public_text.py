"""The catalogue's notes to ourselves stay with staff: public policy pages carry finished
Chinese (no field keys, verification notes or English subtitle), staff see the staff note."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from jinqi.accounts.enums import Role
from jinqi.accounts.tests.factories import UserFactory, department_user
from jinqi.policies.catalogue_sync import ShippedPolicy, shipped_policies
from jinqi.policies.models import Policy

pytestmark = pytest.mark.django_db

PUBLIC_FIELDS = ("title", "document_number", "article", "summary", "benefit", "simplifications")
# Phrases that belong in the staff note only: verification state and proposals to ourselves.
NOTE_MARKERS = ("未核实", "据记忆", "未能核实", "建议新增", "未打开", "第三方资料", "逐字核实")
STAFF_MARKER = "仅部门工作人员和牵头办公室可见"
ASCII_WORD = re.compile(r"[A-Za-z_]{2,}")


@pytest.mark.parametrize("shipped", shipped_policies(), ids=lambda p: p.code)
def test_a_shipped_policys_public_text_is_finished_chinese(shipped: ShippedPolicy) -> None:
    """Every public field of every catalogue file is free of field keys, English words and
    verification notes; the document number is the number alone."""
    data = shipped.data
    for name in PUBLIC_FIELDS:
        text = str(data.get(name, ""))
        assert not ASCII_WORD.search(text), (shipped.code, name, ASCII_WORD.findall(text))
        assert not any(marker in text for marker in NOTE_MARKERS), (shipped.code, name)
    assert "（" not in data["document_number"], shipped.code
    assert data.get("staff_note", "").strip(), shipped.code


def _page(client: Client, code: str) -> str:
    return client.get(reverse("policies:detail", args=[code])).content.decode()


def test_visitors_and_enterprises_do_not_see_the_staff_note() -> None:
    """The anonymous and the enterprise view of a policy omit its staff note and its English
    title; the public scope text is shown."""
    policy = Policy.objects.get(code="job-retention-refund")
    enterprise_client = Client()
    enterprise_client.force_login(UserFactory(enterprise=True))
    for client in (Client(), enterprise_client):
        page = _page(client, policy.code)
        assert policy.simplifications[:20] in page
        assert policy.staff_note.strip()[:20] not in page
        assert STAFF_MARKER not in page
        assert policy.title_en not in page
        assert "未能核实" not in page and "据记忆" not in page


@pytest.mark.parametrize("role", [Role.DEPARTMENT, Role.LEAD_OFFICE])
def test_staff_see_the_staff_note(role: Role) -> None:
    """Department staff and the lead office read the staff note on the policy page."""
    policy = Policy.objects.get(code="job-retention-refund")
    user = department_user("science") if role == Role.DEPARTMENT else UserFactory(lead_office=True)
    client = Client()
    client.force_login(user)
    page = _page(client, policy.code)
    assert STAFF_MARKER in page
    assert policy.staff_note.strip()[:20] in page
