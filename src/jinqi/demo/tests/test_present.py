"""The demo lives at the demo clock's date: the 2022 plan rolled over into this year's, with this
month still to report; the accounts counted are the demo's own."""

from __future__ import annotations

import datetime as dt

import pytest

from jinqi.accounts.models import User
from jinqi.accounts.tests.factories import UserFactory
from jinqi.core import clock
from jinqi.demo.accounts import demo_account_usernames, demo_accounts_load
from jinqi.demo.plans import (
    PLAN_CODE,
    current_history_months,
    demo_plan_import,
    demo_plan_roll_over,
)
from jinqi.plans.models import Assignment, Plan, ProgressReport
from jinqi.plans.selectors import report_months

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("today", "months"),
    [
        (dt.date(2026, 12, 7), [dt.date(2026, 9, 1), dt.date(2026, 10, 1), dt.date(2026, 11, 1)]),
        (dt.date(2027, 4, 3), [dt.date(2027, 3, 1)]),
        (dt.date(2027, 2, 10), []),
    ],
)
def test_the_current_plan_has_reports_for_the_months_just_before_this_one(
    today: dt.date, months: list[dt.date]
) -> None:
    """Up to three months before the current one, never before March (reporting starts then)."""
    with clock.frozen_at(dt.datetime.combine(today, dt.time(9))):
        assert current_history_months() == months


@pytest.mark.slow
@pytest.mark.sqlite_pass  # the demo is the embedded SQLite platform (ADR 0007, revised)
def test_the_2022_plan_is_rolled_over_into_the_clock_year_with_this_month_open() -> None:
    """The 2022 plan stays; this year's plan has its measures, reports up to last month and
    none for this month, which the report form offers; a second run changes nothing."""
    with clock.frozen_at(dt.datetime(2026, 12, 7, 9, 0)):
        demo_accounts_load(lambda _message: None)
        demo_plan_import(lambda _message: None)
        demo_plan_roll_over(lambda _message: None)
        current = Plan.objects.get(code="jinshan-2026")
        assert Plan.objects.filter(code=PLAN_CODE).exists()
        assert current.rolled_over_from is not None
        assert current.measures.count() == 100
        periods = set(
            ProgressReport.objects.filter(assignment__measure__plan=current).values_list(
                "period", flat=True
            )
        )
        assert periods == {dt.date(2026, 9, 1), dt.date(2026, 10, 1), dt.date(2026, 11, 1)}
        assignment = Assignment.objects.filter(measure__plan=current).first()
        assert assignment is not None
        liaison = User.objects.get(username=assignment.department.code)
        assert report_months(liaison, assignment.measure).open[0] == dt.date(2026, 12, 1)
        reports = ProgressReport.objects.count()
        demo_plan_roll_over(lambda _message: None)
        assert ProgressReport.objects.count() == reports


def test_the_demo_counts_its_own_accounts_the_same_on_every_run() -> None:
    """Other users (synthetic enterprises' accounts) do not swell the count on a rerun."""
    said: list[str] = []
    demo_accounts_load(said.append)
    UserFactory.create_batch(5)
    demo_accounts_load(said.append)
    assert said[0] == said[1] == f"demo accounts: {len(demo_account_usernames())}"
    assert User.objects.filter(username__in=demo_account_usernames()).count() == len(
        demo_account_usernames()
    )
