"""盯: the daily alerts (due soon, overdue, missing monthly report) reach the right inboxes once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.utils import timezone, translation

from jinqi.accounts.models import User
from jinqi.accounts.services import system_user
from jinqi.accounts.tests.factories import UserFactory, department_user
from jinqi.core import clock
from jinqi.notifications.models import Notification, OutboxMessage
from jinqi.plans.alerts import alerts_send
from jinqi.plans.enums import AlertKind, MeasureStatus, ReportState
from jinqi.plans.models import Assignment, Plan, ProgressReport
from jinqi.plans.tests.factories import import_plan, small_plan_csv

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime(year, month, day, hour, minute))


@pytest.fixture
def plan() -> Plan:
    """Measure 1: 区市场监管局 by June; 2: finance and construction, continuous; 3: 各镇、园区."""
    return import_plan(small_plan_csv())


@pytest.fixture
def people() -> dict[str, User]:
    return {
        "market": department_user("market-regulation", email="market@example.org"),
        "finance": department_user("finance"),
        "construction": department_user("construction"),
        "town": department_user("town-zhujing"),
        "lead": UserFactory(lead_office=True, email="lead@example.org"),
    }


def kinds(user: User) -> list[tuple[str, str]]:
    return sorted((n.kind, n.title) for n in user.notifications.all())


def test_due_soon_alert_goes_to_the_department(plan: Plan, people: dict[str, User]) -> None:
    """Three weeks before a June deadline the responsible department, and only it, is warned."""
    with clock.frozen_at(at(2022, 6, 9, 8)):
        alerts_send()
    assert kinds(people["market"]) == [(AlertKind.DUE_SOON, "Measure 1 is due on 2022-06-30")]
    assert not people["lead"].notifications.filter(kind=AlertKind.DUE_SOON).exists()
    assert (
        not Notification.objects.filter(kind=AlertKind.DUE_SOON)
        .exclude(recipient=people["market"])
        .exists()
    )
    assert OutboxMessage.objects.filter(address="market@example.org").count() == 1


def test_no_due_soon_alert_more_than_30_days_ahead(plan: Plan, people: dict[str, User]) -> None:
    """Six weeks before the deadline nothing is due soon yet."""
    with clock.frozen_at(at(2022, 5, 20, 8)):
        alerts_send()
    assert not Notification.objects.filter(kind=AlertKind.DUE_SOON).exists()


def test_overdue_alert_goes_to_department_and_lead_office(
    plan: Plan, people: dict[str, User]
) -> None:
    """After the deadline, the department and the lead office hear of it, the system account not."""
    with clock.frozen_at(at(2022, 7, 15, 8)):
        alerts_send()
    overdue = Notification.objects.filter(kind=AlertKind.OVERDUE)
    assert {n.recipient for n in overdue} == {people["market"], people["lead"]}
    assert overdue[0].title == "Measure 1 is overdue (deadline 2022-06-30): 区市场监管局"
    assert overdue[0].link == "/plans/test-2022/measures/1/"
    assert not system_user().notifications.exists()


def test_completed_measure_raises_no_overdue_alert(plan: Plan, people: dict[str, User]) -> None:
    """A department that reported its measure completed is not chased."""
    ProgressReport.objects.create(
        assignment=Assignment.objects.get(measure__seq=1),
        period=dt.date(2022, 6, 1),
        status=MeasureStatus.COMPLETED,
        narrative="完成",
        state=ReportState.SUBMITTED,
        submitted_at=at(2022, 6, 28, 9),
        created_by=people["market"],
        created_at=at(2022, 6, 28, 9),
    )
    with clock.frozen_at(at(2022, 7, 15, 8)):
        alerts_send()
    assert not Notification.objects.filter(kind=AlertKind.OVERDUE).exists()


def test_missing_monthly_report_alert_for_a_continuous_measure(
    plan: Plan, people: dict[str, User]
) -> None:
    """On July 15th June's report (due July 7th) is missing from construction, which is told along
    with the lead office; finance, which reported, is not."""
    ProgressReport.objects.create(
        assignment=Assignment.objects.get(measure__seq=2, department__code="finance"),
        period=dt.date(2022, 6, 1),
        status=MeasureStatus.IN_PROGRESS,
        narrative="进展",
        state=ReportState.SUBMITTED,
        submitted_at=at(2022, 7, 4, 9),
        created_by=people["finance"],
        created_at=at(2022, 7, 4, 9),
    )
    with clock.frozen_at(at(2022, 7, 15, 8)):
        alerts_send()
    missing = Notification.objects.filter(kind=AlertKind.REPORT_MISSING)
    assert {n.recipient for n in missing} == {people["construction"], people["lead"]}
    assert {n.title for n in missing} == {
        "Monthly report for 2022-06 on measure 2 is missing: 区建管委"
    }
    assert missing[0].body == "It was due on 2022-07-07."
    assert not people["town"].notifications.exists()  # December measure: nothing due yet


def test_running_alerts_twice_repeats_nothing(plan: Plan, people: dict[str, User]) -> None:
    """The job runs daily: a second run on the same (or a later) day sends no repeat notice."""
    with clock.frozen_at(at(2022, 7, 15, 8)):
        first = alerts_send()
        counts = (Notification.objects.count(), OutboxMessage.objects.count())
        second = alerts_send()
    with clock.frozen_at(at(2022, 7, 16, 8)):
        third = alerts_send()
    assert first == counts[0] > 0
    assert (second, third) == (0, 0)
    assert (Notification.objects.count(), OutboxMessage.objects.count()) == counts


def test_plans_whose_year_is_over_send_nothing(people: dict[str, User]) -> None:
    """A 2021 plan with an unfinished June measure stays silent in 2022."""
    import_plan(small_plan_csv(), code="test-2021", year=2021)
    with clock.frozen_at(at(2022, 1, 10, 8)):
        assert alerts_send() == 0
    assert not Notification.objects.exists()
