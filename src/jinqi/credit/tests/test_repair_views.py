"""The repair and report pages: bad input gets a Chinese message and changes nothing."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from jinqi.core import clock
from jinqi.credit import repairs
from jinqi.credit.enums import RepairState
from jinqi.credit.models import CreditReport, RepairApplication
from jinqi.credit.tests import repair_builders as b

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _mid_2026():
    with clock.frozen_at(b.TODAY):
        yield


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_enterprise_page_shows_repair_button_and_report_form():
    """The credit page offers the repair of a repairable record and the report form."""
    firm = b.firm()
    record = b.record(firm)
    page = client_of(b.owner(firm)).get(reverse("credit:mine"))
    assert reverse("credit:repair_apply", kwargs={"pk": record.pk}) in page.text
    assert "出具报告" in page.text and "信用承诺书" in page.text


def test_a_record_card_labels_its_publicity_status():
    """The record's state is its publicity (公示状态), not a measure's progress (推进状态)."""
    firm = b.firm()
    b.record(firm)
    page = client_of(b.owner(firm)).get(reverse("credit:mine")).text
    assert "<dt>公示状态</dt>" in page and "推进状态" not in page


def test_report_over_five_years_is_refused_in_chinese():
    """A period over five years: the message says so and no report is stored."""
    firm = b.firm()
    client = client_of(b.owner(firm))
    response = client.post(
        reverse("credit:report_issue"),
        {"period_start": "2020-01-01", "period_end": "2026-07-01", "domains": ["market"]},
        follow=True,
    )
    assert "最长为 5 年" in response.text
    assert not CreditReport.objects.exists()


def test_application_without_commitment_and_bad_step_change_nothing():
    """A missing file is a form error; an unknown step is refused; nothing changes."""
    firm = b.firm()
    user = b.owner(firm)
    record = b.record(firm)
    url = reverse("credit:repair_apply", kwargs={"pk": record.pk})
    response = client_of(user).post(url, {"statement": "已整改"})
    assert response.status_code == 200 and "这个字段是必填项" in response.text
    assert not RepairApplication.objects.exists()
    application = repairs.repair_apply(
        record=record, statement="已整改", materials={"commitment": b.pdf()}, acting_user=user
    )
    act = reverse("credit:repair_act", kwargs={"pk": application.pk})
    staff = client_of(b.staff())
    staff.post(act, {"action": "erase", "lock_version": 0}, follow=True)
    refused = staff.post(act, {"action": "not_accept", "lock_version": 0}, follow=True)
    assert "理由" in refused.text
    application.refresh_from_db()
    assert application.state == RepairState.SUBMITTED and application.lock_version == 0


def test_another_enterprise_gets_404():
    """Another enterprise's record and application are not found."""
    firm = b.firm()
    record = b.record(firm)
    application = repairs.repair_apply(
        record=record,
        statement="已整改",
        materials={"commitment": b.pdf()},
        acting_user=b.owner(firm),
    )
    other = client_of(b.owner(b.firm("上海别家有限公司")))
    assert other.get(reverse("credit:repair_apply", kwargs={"pk": record.pk})).status_code == 404
    assert (
        other.get(reverse("credit:repair_detail", kwargs={"pk": application.pk})).status_code == 404
    )
