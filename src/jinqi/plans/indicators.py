"""The plans app's own live indicators, computed on the newest plan."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from jinqi.core.indicators import Indicator, register_indicator
from jinqi.plans.enums import MeasureStatus
from jinqi.plans.models import Plan, UrgingNotice
from jinqi.plans.selectors import measure_states, report_timeliness


def _newest_plan() -> Plan | None:
    return Plan.objects.order_by("-year", "-created_at").first()


def completion_rate() -> float | None:
    plan = _newest_plan()
    if plan is None:
        return None
    states = measure_states(plan)
    if not states:
        return None
    done = sum(s.status == MeasureStatus.COMPLETED for s in states)
    return round(100 * done / len(states), 1)


def report_on_time_rate() -> float | None:
    plan = _newest_plan()
    if plan is None:
        return None
    rows = report_timeliness(plan)
    expected = sum(r.expected for r in rows)
    return round(100 * sum(r.on_time for r in rows) / expected, 1) if expected else None


def urging_reply_rate() -> float | None:
    counts = UrgingNotice.objects.aggregate(
        total=Count("id"), replied=Count("id", filter=Q(replied_at__isnull=False))
    )
    return round(100 * counts["replied"] / counts["total"], 1) if counts["total"] else None


def register() -> None:
    register_indicator(
        Indicator("plans.completion_rate", _("Measures completed"), "%", completion_rate)
    )
    register_indicator(
        Indicator(
            "plans.report_on_time_rate", _("Monthly reports on time"), "%", report_on_time_rate
        )
    )
    register_indicator(
        Indicator("plans.urging_reply_rate", _("Urging notices answered"), "%", urging_reply_rate)
    )
