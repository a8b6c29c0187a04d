"""Reads of plans, scoped by the acting user, and the figures the dashboards show."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from jinqi.accounts.models import Department, User
from jinqi.core import calendar, clock
from jinqi.core.memo import once_per_request
from jinqi.core.models import StoredFile
from jinqi.core.permissions import has_capability
from jinqi.plans.enums import DeadlineKind, MeasureStatus, ReportState
from jinqi.plans.models import (
    Assignment,
    Measure,
    Plan,
    ProgressReport,
    SupervisionEntry,
    UrgingNotice,
)
from jinqi.plans.permissions import VIEW_LEDGER, can_report, can_supervise

# A month's report is due by this working day of the following month.
REPORT_DUE_WORKING_DAY = 5
DUE_SOON_DAYS = 30
COUNTED_STATES = (ReportState.SUBMITTED, ReportState.REVIEWED)


def plan_get(code: str) -> Plan:
    plan = Plan.objects.filter(code=code).first()
    if plan is None:
        raise Http404
    return plan


def plans_all() -> QuerySet[Plan]:
    return Plan.objects.all()


def reference_date(plan: Plan) -> dt.date:
    """The day a plan's state is judged on: today, or the plan's last day once its year is over."""
    return min(clock.today(), plan.period_end)


def report_due_date(period: dt.date) -> dt.date:
    """When the report for the month starting `period` is due."""
    next_month = _next_month(period)
    return calendar.add_working_days(next_month - dt.timedelta(days=1), REPORT_DUE_WORKING_DAY)


@dataclass(frozen=True)
class ReportMonths:
    """What the report form offers a department for one measure: the months it may still write
    (no report yet, a draft or a returned one), newest first; the months already reported; the
    month to start on; and the status it last reported."""

    open: list[dt.date]
    reported: dict[dt.date, ProgressReport]
    default: dt.date | None
    last_status: str | None


def report_months(user: User, measure: Measure) -> ReportMonths:
    today = clock.today()
    plan = measure.plan
    last = min(plan.period_end, today.replace(day=1))
    months = (
        [dt.date(plan.year, m, 1) for m in range(last.month, 0, -1)]
        if last.year == plan.year
        else []
    )
    reports = {
        r.period: r
        for r in ProgressReport.objects.filter(
            assignment__measure=measure, assignment__department=user.department
        )
    }
    reported = {p: r for p, r in reports.items() if r.state in COUNTED_STATES}
    open_months = [m for m in months if m not in reported]
    # The month being reported now: the oldest open one still before its due date, else the
    # newest open one (this month).
    due = [m for m in reversed(open_months) if report_due_date(m) >= today]
    default = due[0] if due else (open_months[0] if open_months else None)
    latest = max(reports.values(), key=lambda r: r.period, default=None)
    return ReportMonths(
        open=open_months,
        reported=reported,
        default=default,
        last_status=latest.status if latest else None,
    )


@dataclass
class AssignmentState:
    assignment: Assignment
    status: str
    last_report: ProgressReport | None
    overdue: bool = False


@dataclass
class MeasureState:
    measure: Measure
    status: str
    units_text: str
    assignments: list[AssignmentState]
    last_report_on: dt.date | None
    overdue: bool
    due_soon: bool
    public_summary: str = ""
    public_summary_period: dt.date | None = None
    lead_department: Department | None = None
    departments: list[Department] = field(default_factory=list)


def roll_up(statuses: Iterable[str]) -> str:
    """A measure's status from its units': all completed → completed; any blocked → blocked;
    any progress → in progress; otherwise not started."""
    values = list(statuses)
    if values and all(s == MeasureStatus.COMPLETED for s in values):
        return MeasureStatus.COMPLETED
    if MeasureStatus.BLOCKED in values:
        return MeasureStatus.BLOCKED
    if any(s in (MeasureStatus.IN_PROGRESS, MeasureStatus.COMPLETED) for s in values):
        return MeasureStatus.IN_PROGRESS
    return MeasureStatus.NOT_STARTED


@once_per_request
def measure_states(plan: Plan, *, measures: QuerySet[Measure] | None = None) -> list[MeasureState]:
    """Every measure of the plan with its rolled-up status, in four queries however many
    reports the year has: only each unit's latest report and each measure's latest public one
    are read (a year of monthly reports is thousands of rows)."""
    # Deadlines are judged on today, not on reference_date: capped at the plan's last day, it
    # would leave a deadline on that day (every 12月 measure) forever 'due soon', never overdue.
    today = clock.today()
    assignments = Assignment.objects.select_related("department").annotate(
        newest_id=Subquery(_newest_report("assignment", False))
    )
    measures = (measures if measures is not None else plan.measures.all()).prefetch_related(
        "units", Prefetch("assignments", queryset=assignments)
    )
    measure_list = list(
        measures.annotate(
            newest_public_id=Subquery(_newest_report("assignment__measure", True))
        ).order_by("seq")
    )
    # The annotations are attributes Django adds: mypy does not know them.
    newest_ids = {
        a.newest_id  # type: ignore[attr-defined]
        for m in measure_list
        for a in m.assignments.all()
    }
    public_ids = {m.pk: m.newest_public_id for m in measure_list}
    reports = ProgressReport.objects.filter(
        pk__in=(newest_ids | set(public_ids.values())) - {None}
    ).only(
        "id",
        "assignment_id",
        "period",
        "status",
        "submitted_at",
        "is_public",
        "public_summary",
        "state",
    )
    by_id = {report.pk: report for report in reports}
    latest = {by_id[pk].assignment_id: by_id[pk] for pk in newest_ids if pk is not None}
    public = {measure: by_id[pk] for measure, pk in public_ids.items() if pk is not None}
    states = []
    for measure in measure_list:
        assignment_states = []
        for assignment in measure.assignments.all():
            last = latest.get(assignment.pk)
            if last is not None:
                status = last.status
            elif measure.deadline_kind == DeadlineKind.COMPLETED:
                status = MeasureStatus.COMPLETED
            else:
                status = MeasureStatus.NOT_STARTED
            overdue = (
                measure.deadline_kind == DeadlineKind.MONTH
                and measure.due_date is not None
                and measure.due_date < today
                and status != MeasureStatus.COMPLETED
            )
            assignment_states.append(AssignmentState(assignment, status, last, overdue))
        status = roll_up(a.status for a in assignment_states)
        submitted = [
            a.last_report.submitted_at
            for a in assignment_states
            if a.last_report and a.last_report.submitted_at
        ]
        pub = public.get(measure.pk)
        lead = next(
            (a.assignment.department for a in assignment_states if a.assignment.is_lead), None
        )
        states.append(
            MeasureState(
                measure=measure,
                status=status,
                units_text="、".join(u.written_as for u in measure.units.all()),
                assignments=assignment_states,
                last_report_on=timezone.localdate(max(submitted)) if submitted else None,
                overdue=any(a.overdue for a in assignment_states),
                due_soon=(
                    measure.deadline_kind == DeadlineKind.MONTH
                    and measure.due_date is not None
                    and today <= measure.due_date <= today + dt.timedelta(days=DUE_SOON_DAYS)
                    and status != MeasureStatus.COMPLETED
                ),
                public_summary=pub.public_summary if pub else "",
                public_summary_period=pub.period if pub else None,
                lead_department=lead,
                departments=[a.assignment.department for a in assignment_states],
            )
        )
    return states


def _newest_report(outer: str, public_only: bool) -> QuerySet[ProgressReport, Any]:
    """The id of the newest counted report (by period, then submission) of the unit or measure
    named by `outer`, for a subquery."""
    reports = ProgressReport.objects.filter(**{outer: OuterRef("pk")}, state__in=COUNTED_STATES)
    if public_only:
        reports = reports.filter(is_public=True)
    return reports.order_by("-period", "-submitted_at", "-pk").values("pk")[:1]


def measures_visible_to(user: Any, plan: Plan) -> QuerySet[Measure]:
    """The lead office sees every measure; a department sees the ones it reports on."""
    if can_supervise(user):
        return plan.measures.all()
    if can_report(user):
        return plan.measures.filter(assignments__department_id=user.department_id).distinct()
    return plan.measures.none()


def measure_for(user: User, plan: Plan, seq: int) -> Measure:
    measure = measures_visible_to(user, plan).filter(seq=seq).first()
    if measure is None:
        raise Http404
    return measure


def reports_visible_to(user: Any) -> QuerySet[ProgressReport]:
    """Lead office: every submitted report; a department: its own (drafts included) and the
    public ones of others; anyone else: public ones."""
    reports = ProgressReport.objects.select_related(
        "assignment__measure__plan", "assignment__department", "created_by"
    )
    if can_supervise(user):
        return reports.filter(Q(state__in=COUNTED_STATES) | Q(state=ReportState.RETURNED))
    if can_report(user):
        return reports.filter(Q(assignment__department_id=user.department_id) | Q(is_public=True))
    return reports.filter(is_public=True)


def can_download_evidence(user: Any, stored: StoredFile) -> bool:
    """Evidence goes with its report: whoever may read the report may download it."""
    if not has_capability(user, VIEW_LEDGER):
        return False
    return reports_visible_to(user).filter(evidence=stored).exists()


def report_for(user: Any, pk: int) -> ProgressReport:
    report = reports_visible_to(user).filter(pk=pk).first()
    if report is None:
        raise Http404
    return report


def review_queue(plan: Plan) -> QuerySet[ProgressReport]:
    return (
        ProgressReport.objects.filter(assignment__measure__plan=plan, state=ReportState.SUBMITTED)
        .select_related("assignment__measure", "assignment__department")
        .order_by("submitted_at")
    )


def urgings_visible_to(user: Any) -> QuerySet[UrgingNotice]:
    notices = UrgingNotice.objects.select_related("measure__plan", "department", "issued_by")
    if can_supervise(user):
        return notices
    if can_report(user):
        return notices.filter(department_id=user.department_id)
    return notices.none()


def urging_for(user: User, pk: int) -> UrgingNotice:
    notice = urgings_visible_to(user).filter(pk=pk).first()
    if notice is None:
        raise Http404
    return notice


def supervision_entries(plan: Plan) -> QuerySet[SupervisionEntry]:
    return plan.supervision_entries.prefetch_related("measures").select_related("recorded_by")


@dataclass
class Breakdown:
    label: str
    total: int
    counts: dict[str, int]

    @property
    def completed_pct(self) -> int:
        return (
            round(100 * self.counts.get(MeasureStatus.COMPLETED, 0) / self.total)
            if self.total
            else 0
        )


def breakdown(states: list[MeasureState], key: str) -> list[Breakdown]:
    """Measure statuses counted by service area, action, or department."""
    groups: dict[str, Counter[str]] = defaultdict(Counter)
    for state in states:
        if key == "department":
            for a in state.assignments:
                groups[a.assignment.department.name][a.status] += 1
        else:
            groups[getattr(state.measure, key)][state.status] += 1
    return [Breakdown(label, sum(c.values()), dict(c)) for label, c in groups.items()]


@dataclass
class Timeliness:
    department: Department
    expected: int
    on_time: int
    late: int
    missing: int

    @property
    def on_time_pct(self) -> int:
        return round(100 * self.on_time / self.expected) if self.expected else 100


def report_due_dates(year: int) -> dict[dt.date, dt.date]:
    """When each month's report of the year is due, from one read of the working calendar."""
    months = [dt.date(year, month, 1) for month in range(1, 13)]
    month_ends = [_next_month(month) - dt.timedelta(days=1) for month in months]
    reach = dt.timedelta(days=REPORT_DUE_WORKING_DAY * 2) + calendar.SLACK
    working_days = calendar.WorkingDays(month_ends[0], month_ends[-1] + reach)
    return {
        month: working_days.add(end, REPORT_DUE_WORKING_DAY)
        for month, end in zip(months, month_ends, strict=True)
    }


def _next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _due_date(period: dt.date, memo: dict[dt.date, dt.date]) -> dt.date:
    """report_due_date, memoized in `memo` a year at a time (the calendar is read per year)."""
    if period not in memo:
        memo.update(report_due_dates(period.year))
    return memo[period]


def expected_periods(
    plan: Plan, measure: Measure, *, due_dates: dict[dt.date, dt.date] | None = None
) -> list[dt.date]:
    """The months for which a monthly report on the measure is due by the reference date.

    Pass the same `due_dates` dict to calls for many measures to work out each month's due date
    once."""
    due_dates = {} if due_dates is None else due_dates
    ref = reference_date(plan)
    first = dt.date(plan.year, 1, 1)
    if measure.deadline_kind == DeadlineKind.MONTH and measure.due_date:
        last = measure.due_date.replace(day=1)
    else:
        last = dt.date(plan.year, 12, 1)
    periods = []
    month = first
    while month <= last and _due_date(month, due_dates) < ref:
        periods.append(month)
        month = _next_month(month)
    return periods


@once_per_request
def report_timeliness(plan: Plan, *, reporting_from: dt.date | None = None) -> list[Timeliness]:
    """Per department: monthly reports expected so far, submitted on time, late, or missing.

    Reporting starts in the month the plan was issued (`reporting_from`, default the month of the
    first report of the plan); completed measures need no further monthly reports.
    """
    reports = ProgressReport.objects.filter(
        assignment__measure__plan=plan, state__in=COUNTED_STATES
    ).values_list("assignment_id", "period", "submitted_at", "status")
    # Per unit: the local day each month's report came in, and the first month it reported the
    # measure completed (no report is expected after it).
    by_assignment: dict[int, dict[dt.date, dt.date | None]] = defaultdict(dict)
    completed_in: dict[int, dt.date] = {}
    earliest: dt.date | None = None
    zone = timezone.get_current_timezone()
    for assignment_id, period, submitted_at, status in reports:
        by_assignment[assignment_id][period] = (
            submitted_at.astimezone(zone).date() if submitted_at is not None else None
        )
        if status == MeasureStatus.COMPLETED:
            completed_in[assignment_id] = min(period, completed_in.get(assignment_id, period))
        earliest = period if earliest is None or period < earliest else earliest
    start = reporting_from or earliest
    rows: dict[int, Timeliness] = {}
    due_dates: dict[dt.date, dt.date] = {}
    assignments = Assignment.objects.filter(measure__plan=plan).select_related(
        "measure", "department"
    )
    for assignment in assignments:
        row = rows.setdefault(
            assignment.department_id, Timeliness(assignment.department, 0, 0, 0, 0)
        )
        history = by_assignment.get(assignment.pk, {})
        done_in = completed_in.get(assignment.pk)
        for period in expected_periods(plan, assignment.measure, due_dates=due_dates):
            if start is None or period < start:
                continue
            earlier_done = done_in is not None and done_in < period
            if earlier_done or assignment.measure.deadline_kind == DeadlineKind.COMPLETED:
                continue
            row.expected += 1
            if period not in history:
                row.missing += 1
            elif (day := history[period]) is not None and day <= _due_date(period, due_dates):
                row.on_time += 1
            else:
                row.late += 1
    return sorted(rows.values(), key=lambda t: (t.on_time_pct, t.department.sort_order))


def department_due_this_month(
    states: list[MeasureState], department: Department, plan: Plan
) -> list[MeasureState]:
    """The department's measures that need a report or meet their deadline this month."""
    ref = reference_date(plan)
    month = ref.replace(day=1)
    result = []
    for state in states:
        mine = [a for a in state.assignments if a.assignment.department_id == department.pk]
        if not mine or mine[0].status == MeasureStatus.COMPLETED:
            continue
        due = state.measure.due_date
        deadline_this_month = due is not None and due.replace(day=1) == month
        report_missing = mine[0].last_report is None or mine[0].last_report.period < month
        if deadline_this_month or report_missing or mine[0].overdue:
            result.append(state)
    return result


# -- the to-do page's counts: None when that work is not the user's --------------------------


def todo_reports_to_review(user: Any) -> int | None:
    """The lead office: reports of the latest plan waiting for its review."""
    if not can_supervise(user):
        return None
    plan = plans_all().first()
    return review_queue(plan).count() if plan else 0


def todo_reports_returned(user: Any) -> int | None:
    """A department: its reports in the latest plan returned for rework."""
    if not can_report(user):
        return None
    return ProgressReport.objects.filter(
        assignment__measure__plan=plans_all().first(),
        assignment__department_id=user.department_id,
        state=ReportState.RETURNED,
    ).count()


def todo_urgings(user: Any) -> int | None:
    """A department: urging notices it has not answered."""
    if not can_report(user):
        return None
    return urgings_visible_to(user).filter(replied_at__isnull=True).count()


def todo_measures_unreported(user: Any) -> int | None:
    """A department: its measures in this year's plan without a report for this month."""
    if not can_report(user):
        return None
    this_month = clock.today().replace(day=1)
    plan = plans_all().filter(year=this_month.year).first()
    if plan is None:
        return 0
    reported = ProgressReport.objects.filter(period=this_month, state__in=COUNTED_STATES).values(
        "assignment_id"
    )
    return (
        Assignment.objects.filter(measure__plan=plan, department_id=user.department_id)
        .exclude(pk__in=reported)
        .count()
    )
