"""盯: due-soon, overdue and missing-report alerts to the responsible departments and the lead
office. Each alert has a key, so running the job again never repeats a notice."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from jinqi.accounts.selectors import department_staff, lead_office_users
from jinqi.core import clock
from jinqi.notifications.services import notification_send
from jinqi.plans.enums import AlertKind, DeadlineKind, MeasureStatus
from jinqi.plans.models import Plan
from jinqi.plans.selectors import (
    COUNTED_STATES,
    expected_periods,
    measure_states,
    reference_date,
    report_due_date,
)


def alerts_send() -> int:
    """Send every alert that is due for plans whose year is not over; returns notices created."""
    sent = 0
    today = clock.today()
    for plan in Plan.objects.filter(year__gte=today.year - 1):
        if reference_date(plan) < today:
            continue  # the plan's year is over: its ledger stays, its alerts stop
        with transaction.atomic():
            sent += _plan_alerts(plan)
    return sent


def _plan_alerts(plan: Plan) -> int:
    sent = 0
    lead = list(lead_office_users())
    for state in measure_states(plan):
        measure = state.measure
        link = reverse("plans:measure_detail", args=[plan.code, measure.seq])
        for a in state.assignments:
            if a.status == MeasureStatus.COMPLETED:
                continue
            department = a.assignment.department
            staff = list(department_staff(department))
            if state.due_soon and measure.due_date:
                sent += len(
                    notification_send(
                        recipients=staff,
                        kind=AlertKind.DUE_SOON,
                        title=_("Measure %(seq)s is due on %(date)s")
                        % {"seq": measure.seq, "date": measure.due_date.isoformat()},
                        body=measure.text,
                        link=link,
                        dedup_key=f"due-soon:{measure.pk}:{department.pk}",
                    )
                )
            if a.overdue and measure.due_date:
                title = _("Measure %(seq)s is overdue (deadline %(date)s): %(dept)s") % {
                    "seq": measure.seq,
                    "date": measure.due_date.isoformat(),
                    "dept": department,
                }
                sent += len(
                    notification_send(
                        recipients=staff + lead,
                        kind=AlertKind.OVERDUE,
                        title=title,
                        body=measure.text,
                        link=link,
                        dedup_key=f"overdue:{measure.pk}:{department.pk}",
                    )
                )
            if measure.deadline_kind in (DeadlineKind.CONTINUOUS, DeadlineKind.NOT_STATED):
                sent += _missing_report_alert(plan, state, a, staff + lead, link)
    return sent


def _missing_report_alert(plan, state, a, recipients, link) -> int:  # type: ignore[no-untyped-def]
    periods = expected_periods(plan, state.measure)
    if not periods:
        return 0
    period = periods[-1]
    has_report = a.assignment.reports.filter(period=period, state__in=COUNTED_STATES).exists()
    if has_report:
        return 0
    month = f"{period:%Y-%m}"
    return len(
        notification_send(
            recipients=recipients,
            kind=AlertKind.REPORT_MISSING,
            title=_("Monthly report for %(month)s on measure %(seq)s is missing: %(dept)s")
            % {"month": month, "seq": state.measure.seq, "dept": a.assignment.department},
            body=_("It was due on %(date)s.") % {"date": report_due_date(period).isoformat()},
            link=link,
            dedup_key=f"report-missing:{state.measure.pk}:{a.assignment.department_id}:{month}",
        )
    )
