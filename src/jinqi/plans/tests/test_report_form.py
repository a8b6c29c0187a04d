"""The monthly report form starts on the month being reported now with the status last reported,
offers only months still open, and says before any typing that a month is already reported."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from jinqi.accounts.tests.factories import department_user
from jinqi.core import clock
from jinqi.plans import services
from jinqi.plans.enums import MeasureStatus
from jinqi.plans.models import ProgressReport
from jinqi.plans.tests.factories import import_plan, small_plan_csv

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2026, 12, 14, 9, 0)  # November's report was due on the 5th working day


def _setup() -> tuple[Client, str]:
    plan = import_plan(small_plan_csv(), code="jinshan-2026", year=2026)
    user = department_user("market-regulation")
    measure = plan.measures.get(seq=1)
    with clock.frozen_at(dt.datetime(2026, 10, 28, 9, 0)):
        services.report_save(
            measure=measure,
            period=dt.date(2026, 10, 1),
            status=MeasureStatus.BLOCKED,
            narrative="十月进展",
            submit=True,
            acting_user=user,
        )
    client = Client()
    client.force_login(user)
    return client, reverse("plans:report_edit", args=[plan.code, 1])


def test_the_form_starts_on_this_month_with_the_last_status_and_offers_open_months_only() -> None:
    """December is selected, 受阻 (last reported) is the status, October is not offered."""
    with clock.frozen_at(TODAY):
        client, url = _setup()
        page = client.get(url).content.decode()
    assert '<option value="2026-12" selected>' in page
    assert '<option value="blocked" selected>' in page
    assert 'value="2026-10"' not in page
    assert 'value="2026-11"' in page
    assert "已报送的月份：2026年10月" in page


def test_asking_for_a_reported_month_says_so_before_typing() -> None:
    """The page says the month is reported (with a link) instead of refusing after the typing."""
    with clock.frozen_at(TODAY):
        client, url = _setup()
        page = client.get(url + "?period=2026-10").content.decode()
    report = ProgressReport.objects.get(period=dt.date(2026, 10, 1))
    assert "2026年10月的报告已经提交" in page
    assert reverse("plans:report_detail", args=[report.pk]) in page
    assert '<option value="2026-12" selected>' in page


def test_posting_a_reported_month_changes_nothing() -> None:
    """A forged post for the reported month is refused and the report stays as it was."""
    with clock.frozen_at(TODAY):
        client, url = _setup()
        response = client.post(
            url, {"period": "2026-10", "status": "completed", "narrative": "改写", "submit": "1"}
        )
    assert response.status_code == 200
    report = ProgressReport.objects.get(period=dt.date(2026, 10, 1))
    assert report.narrative == "十月进展" and report.status == MeasureStatus.BLOCKED
