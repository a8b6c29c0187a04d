"""Reads of plans: how statuses roll up, when a measure is overdue, how timely departments
report by the working-day calendar, and who sees which report."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jinqi.accounts.models import User
from jinqi.accounts.services import system_user
from jinqi.accounts.tests.factories import UserFactory, department_user
from jinqi.core import clock
from jinqi.plans.enums import MeasureStatus, ReportState
from jinqi.plans.models import Assignment, Plan, ProgressReport
from jinqi.plans.selectors import (
    MeasureState,
    measure_states,
    reference_date,
    report_due_date,
    report_due_dates,
    report_timeliness,
    reports_visible_to,
    roll_up,
)
from jinqi.plans.tests.factories import import_plan, jinshan_2022_csv, small_plan_csv

pytestmark = pytest.mark.django_db

NS = MeasureStatus.NOT_STARTED
IP = MeasureStatus.IN_PROGRESS
DONE = MeasureStatus.COMPLETED
BLOCKED = MeasureStatus.BLOCKED


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    """An aware moment in Shanghai time."""
    return timezone.make_aware(dt.datetime(year, month, day, hour, minute))


@pytest.fixture
def frozen() -> Iterator[None]:
    with clock.frozen_at(at(2022, 7, 15, 10)):
        yield


@pytest.fixture
def plan() -> Plan:
    """Measure 1: 区市场监管局 by June; 2: finance and construction, continuous; 3: 各镇、园区 by
    December."""
    return import_plan(small_plan_csv())


def add_report(
    assignment: Assignment,
    period: dt.date,
    status: str = IP,
    *,
    submitted_at: dt.datetime | None = None,
    state: str = ReportState.SUBMITTED,
    is_public: bool = False,
) -> ProgressReport:
    """A report as it would stand after report_save and review, with a chosen submission time."""
    if submitted_at is None and state != ReportState.DRAFT:
        submitted_at = at(period.year, period.month, 20)
    return ProgressReport.objects.create(
        assignment=assignment,
        period=period,
        status=status,
        narrative="进展",
        state=state,
        submitted_at=submitted_at,
        created_by=system_user(),
        created_at=clock.now(),
        is_public=is_public,
        public_summary="公开摘要" if is_public else "",
    )


def assignment(plan: Plan, seq: int, code: str) -> Assignment:
    return Assignment.objects.get(measure__plan=plan, measure__seq=seq, department__code=code)


def state_of(plan: Plan, seq: int) -> MeasureState:
    return next(s for s in measure_states(plan) if s.measure.seq == seq)


# roll_up -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([DONE], DONE),
        ([DONE, DONE, DONE], DONE),
        ([DONE, BLOCKED], BLOCKED),
        ([NS, IP, BLOCKED], BLOCKED),
        ([BLOCKED], BLOCKED),
        ([DONE, NS], IP),
        ([IP, NS], IP),
        ([IP, DONE], IP),
        ([NS, NS], NS),
        ([], NS),
    ],
    ids=lambda v: "+".join(v) if isinstance(v, list) else v,
)
def test_roll_up(statuses: list[str], expected: str) -> None:
    """All completed → completed; any blocked → blocked; any progress → in progress; else not
    started (also for a measure without units)."""
    assert roll_up(statuses) == expected


# measure_states ------------------------------------------------------------------------------


@pytest.mark.usefixtures("frozen")
def test_month_measure_is_overdue_once_its_deadline_passed(plan: Plan) -> None:
    """July 15th: the June measure without a completed report is overdue, the December one not."""
    june = state_of(plan, 1)
    assert (june.status, june.overdue, june.due_soon) == (NS, True, False)
    assert june.assignments[0].overdue
    assert not state_of(plan, 3).overdue
    assert not state_of(plan, 2).overdue  # continuous measures have no deadline to miss


@pytest.mark.usefixtures("frozen")
def test_only_a_submitted_completed_report_clears_overdue(plan: Plan) -> None:
    """A 'completed' draft does not count; once submitted, the measure is completed, not overdue."""
    a = assignment(plan, 1, "market-regulation")
    draft = add_report(a, dt.date(2022, 7, 1), DONE, state=ReportState.DRAFT)
    assert state_of(plan, 1).overdue

    draft.state, draft.submitted_at = ReportState.SUBMITTED, at(2022, 7, 10, 9)
    draft.save()

    june = state_of(plan, 1)
    assert (june.status, june.overdue, june.last_report_on) == (DONE, False, dt.date(2022, 7, 10))


@pytest.mark.parametrize(
    ("today", "overdue", "due_soon"),
    [
        (dt.date(2022, 5, 30), False, False),
        (dt.date(2022, 5, 31), False, True),
        (dt.date(2022, 6, 30), False, True),
        (dt.date(2022, 7, 1), True, False),
    ],
)
def test_due_soon_and_overdue_around_the_deadline(
    plan: Plan, today: dt.date, overdue: bool, due_soon: bool
) -> None:
    """A June 30th deadline is due soon from 30 days before, until the day itself; overdue after."""
    with clock.frozen_at(at(today.year, today.month, today.day, 12)):
        june = state_of(plan, 1)
    assert (june.overdue, june.due_soon) == (overdue, due_soon)


@pytest.mark.usefixtures("frozen")
def test_group_measure_status_rolls_up_from_its_members(plan: Plan) -> None:
    """A measure given to 各镇、园区 is completed only when all thirteen members are, blocked if
    one is, and in progress as soon as one has moved."""
    members = list(Assignment.objects.filter(measure__plan=plan, measure__seq=3))
    assert len(members) == 13
    assert state_of(plan, 3).status == NS

    add_report(members[0], dt.date(2022, 6, 1), DONE)
    assert state_of(plan, 3).status == IP

    for member in members[1:]:
        add_report(member, dt.date(2022, 6, 1), DONE)
    assert state_of(plan, 3).status == DONE

    add_report(members[5], dt.date(2022, 7, 1), BLOCKED)  # the latest report counts
    group = state_of(plan, 3)
    assert group.status == BLOCKED
    assert [a.status for a in group.assignments].count(BLOCKED) == 1


@pytest.mark.usefixtures("frozen")
def test_completed_consolidating_measures_start_completed() -> None:
    """A measure the plan lists as 已完成，巩固成效 is completed without any report, until a unit
    reports otherwise."""
    plan = import_plan(
        small_plan_csv(
            "1,否,一、基本服务,（一）行动一,事项一,举措一,区市场监管局,已完成，巩固成效",
        )
    )
    state = state_of(plan, 1)
    assert (state.status, state.overdue, state.due_soon) == (DONE, False, False)

    add_report(assignment(plan, 1, "market-regulation"), dt.date(2022, 7, 1), BLOCKED)
    assert state_of(plan, 1).status == BLOCKED


def test_reference_date_caps_at_the_plans_year_end(plan: Plan) -> None:
    """Inside the year a plan is judged today; once its year is over, on its last day."""
    with clock.frozen_at(at(2022, 7, 15, 10)):
        assert reference_date(plan) == dt.date(2022, 7, 15)
    with clock.frozen_at(at(2023, 3, 1, 10)):
        assert reference_date(plan) == dt.date(2022, 12, 31)


def test_after_the_year_an_unfinished_december_measure_is_overdue(plan: Plan) -> None:
    """Once the year is over, a measure due by December's end and not completed is overdue, and
    nothing of the plan is still 'due soon'."""
    with clock.frozen_at(at(2023, 3, 1, 10)):
        december = state_of(plan, 3)
        assert (december.overdue, december.due_soon) == (True, False)
        assert state_of(plan, 1).overdue


@pytest.mark.usefixtures("frozen")
def test_measure_states_query_count_does_not_grow_with_the_plan(plan: Plan) -> None:
    """Three measures or a hundred, with reports or not, cost the same few queries."""
    add_report(assignment(plan, 1, "market-regulation"), dt.date(2022, 6, 1))
    with CaptureQueriesContext(connection) as small:
        measure_states(plan)
    big = import_plan(jinshan_2022_csv(), code="jinshan-2022")
    for a in Assignment.objects.filter(measure__plan=big)[:20]:
        add_report(a, dt.date(2022, 6, 1))
    with CaptureQueriesContext(connection) as large:
        assert len(measure_states(big)) == 100
    assert len(large) == len(small) <= 4


# report_timeliness ---------------------------------------------------------------------------


def test_september_report_is_due_after_golden_week() -> None:
    """The 5th working day of October 2022 is the 12th: 1–7 are holidays, 8–9 make-up days."""
    assert report_due_date(dt.date(2022, 9, 1)) == dt.date(2022, 10, 12)
    assert report_due_date(dt.date(2022, 10, 1)) == dt.date(2022, 11, 7)


def test_a_years_due_dates_read_at_once_agree_with_each_months() -> None:
    """The year's due dates from one calendar read are those computed month by month,
    December's in the next January included."""
    dates = report_due_dates(2022)
    assert len(dates) == 12
    assert all(due == report_due_date(month) for month, due in dates.items())
    assert dates[dt.date(2022, 9, 1)] == dt.date(2022, 10, 12)


@pytest.fixture
def three_continuous() -> Plan:
    return import_plan(
        small_plan_csv(
            "1,否,一、基本服务,（一）行动一,事项一,举措一,区市场监管局,持续推进",
            "2,否,一、基本服务,（一）行动一,事项二,举措二,区财政局,持续推进",
            "3,否,一、基本服务,（一）行动一,事项三,举措三,区建管委,持续推进",
        )
    )


def test_timeliness_counts_on_time_late_and_missing(three_continuous: Plan) -> None:
    """September's report is on time until October 12th (Golden Week), October's until November
    7th; a late one and a missing one are counted apart, by Shanghai dates."""
    plan = three_continuous
    sep, oct_ = dt.date(2022, 9, 1), dt.date(2022, 10, 1)
    market = assignment(plan, 1, "market-regulation")
    finance = assignment(plan, 2, "finance")
    construction = assignment(plan, 3, "construction")
    add_report(market, sep, submitted_at=at(2022, 10, 12, 23, 30))  # due day, late evening
    add_report(market, oct_, submitted_at=at(2022, 11, 7, 17))
    add_report(finance, sep, submitted_at=at(2022, 10, 13, 0, 30))  # still the 12th in UTC
    add_report(construction, oct_, submitted_at=at(2022, 11, 8, 9))
    add_report(construction, dt.date(2022, 11, 1), state=ReportState.DRAFT)  # not counted

    with clock.frozen_at(at(2022, 11, 20, 10)):
        rows = report_timeliness(plan, reporting_from=sep)

    counts = {r.department.code: (r.expected, r.on_time, r.late, r.missing) for r in rows}
    assert counts == {
        "market-regulation": (2, 2, 0, 0),
        "finance": (2, 0, 1, 1),
        "construction": (2, 0, 1, 1),
    }
    assert rows[-1].department.code == "market-regulation"  # least timely first
    assert rows[-1].on_time_pct == 100


def test_timeliness_stops_expecting_reports_after_completion(three_continuous: Plan) -> None:
    """A unit that reported its measure completed owes no further monthly reports."""
    plan = three_continuous
    add_report(
        assignment(plan, 1, "market-regulation"),
        dt.date(2022, 9, 1),
        DONE,
        submitted_at=at(2022, 10, 10, 9),
    )
    with clock.frozen_at(at(2022, 12, 20, 10)):  # September, October and November are due
        rows = report_timeliness(plan, reporting_from=dt.date(2022, 9, 1))
    counts = {r.department.code: (r.expected, r.on_time, r.missing) for r in rows}
    assert counts["market-regulation"] == (1, 1, 0)
    assert counts["finance"] == (3, 0, 3)


# reports_visible_to --------------------------------------------------------------------------


@pytest.mark.usefixtures("frozen")
def test_reports_are_scoped_to_the_reader(plan: Plan) -> None:
    """The lead office sees every report past draft; a department its own (drafts too) and others'
    public ones; everyone else only public ones."""
    market = assignment(plan, 1, "market-regulation")
    finance = assignment(plan, 2, "finance")
    june, july = dt.date(2022, 6, 1), dt.date(2022, 7, 1)
    reports = {
        "market_draft": add_report(market, july, state=ReportState.DRAFT),
        "market_submitted": add_report(market, june),
        "finance_draft": add_report(finance, july, state=ReportState.DRAFT),
        "finance_returned": add_report(finance, june, state=ReportState.RETURNED),
        "finance_public": add_report(
            finance, dt.date(2022, 5, 1), state=ReportState.REVIEWED, is_public=True
        ),
        "finance_reviewed": add_report(finance, dt.date(2022, 4, 1), state=ReportState.REVIEWED),
    }
    names = {r.pk: name for name, r in reports.items()}

    def seen(user: User | AnonymousUser) -> set[str]:
        return {names[pk] for pk in reports_visible_to(user).values_list("pk", flat=True)}

    assert seen(UserFactory(lead_office=True)) == {
        "market_submitted",
        "finance_returned",
        "finance_public",
        "finance_reviewed",
    }
    assert seen(department_user("market-regulation")) == {
        "market_draft",
        "market_submitted",
        "finance_public",
    }
    assert seen(department_user("finance")) == {
        "finance_draft",
        "finance_returned",
        "finance_public",
        "finance_reviewed",
    }
    assert seen(UserFactory(enterprise=True)) == {"finance_public"}
    assert seen(AnonymousUser()) == {"finance_public"}
