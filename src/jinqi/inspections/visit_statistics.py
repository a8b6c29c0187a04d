"""The lead office's figures on visits, registered as live indicators for plan measures 43–44
(supervision by credit and risk) and 48–49 (joint 安全+环保 inspections, fewer visits): visits
per enterprise, the share of joint visits, visits saved by merging, rectification on time and
the change in visits against the same days of last year. Counted over the current calendar year
to today; cancelled visits never count."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.utils.translation import gettext_lazy as _

from jinqi.accounts.models import Department
from jinqi.core import clock
from jinqi.core.indicators import Indicator, Reading, readings, register_indicator
from jinqi.inspections.enums import RectificationState, VisitState
from jinqi.inspections.models import Rectification, Visit
from jinqi.inspections.results import RatingSummary, rating_summary

INDICATOR_KEYS = (
    "inspections.visits_per_enterprise",
    "inspections.joint_visit_share",
    "inspections.visits_saved",
    "inspections.rectification_on_time",
    "inspections.visits_year_on_year",
)
# Measures whose progress these figures show (plan numbering of the Jinshan 2022 plan).
MEASURES = (43, 44, 48, 49)


def _visits(start: dt.date, end: dt.date) -> QuerySet[Visit]:
    return Visit.objects.filter(date__range=(start, end)).exclude(state=VisitState.CANCELLED)


def _this_year() -> QuerySet[Visit]:
    today = clock.today()
    return _visits(today.replace(month=1, day=1), today)


def visits_per_enterprise() -> float | None:
    figures = _this_year().aggregate(visits=Count("pk"), firms=Count("enterprise", distinct=True))
    if not figures["firms"]:
        return None
    return round(figures["visits"] / figures["firms"], 2)


def joint_visit_share() -> float | None:
    """Per cent of visits carrying tasks of two departments or more."""
    counts = list(
        _this_year()
        .annotate(n=Count("tasks__department", distinct=True))
        .values_list("n", flat=True)
    )
    if not counts:
        return None
    return round(100 * sum(1 for n in counts if n > 1) / len(counts), 1)


def visits_saved() -> int:
    """Tasks carried minus visits made: the visits one per task would have needed more."""
    visits = _this_year()
    return int(visits.aggregate(tasks=Count("tasks"))["tasks"] or 0) - visits.count()


def rectification_on_time() -> float | None:
    """Per cent of the rectifications due this year to today that were reported (or passed on
    re-check) by their deadline."""
    today = clock.today()
    due = Rectification.objects.filter(
        deadline__range=(today.replace(month=1, day=1), today)
    ).exclude(finding__visit__state=VisitState.CANCELLED)
    total = due.count()
    if not total:
        return None
    on_time = sum(
        1
        for r in due.only("deadline", "reported_on", "recheck_on", "state")
        if (
            done := r.reported_on
            or (r.recheck_on if r.state == RectificationState.PASSED else None)
        )
        is not None
        and done <= r.deadline
    )
    return round(100 * on_time / total, 1)


def visits_year_on_year() -> float | None:
    """Per cent change in visits from 1 January to today against the same days a year before
    (negative: fewer visits); None without visits last year."""
    today = clock.today()
    try:
        last_day = today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        last_day = today.replace(year=today.year - 1, day=28)
    before = _visits(last_day.replace(month=1, day=1), last_day).count()
    if not before:
        return None
    return round(100 * (_this_year().count() - before) / before, 1)


def register() -> None:
    for key, label, unit, compute in (
        (
            INDICATOR_KEYS[0],
            _("Visits per inspected enterprise this year"),
            _("visits"),
            visits_per_enterprise,
        ),
        (INDICATOR_KEYS[1], _("Share of joint visits"), "%", joint_visit_share),
        (INDICATOR_KEYS[2], _("Visits saved by merging tasks"), _("visits"), visits_saved),
        (INDICATOR_KEYS[3], _("Rectifications done on time"), "%", rectification_on_time),
        (
            INDICATOR_KEYS[4],
            _("Visits against the same period last year"),
            "%",
            visits_year_on_year,
        ),
    ):
        register_indicator(Indicator(key, label, unit, compute))


def figures() -> list[Reading]:
    return readings(list(INDICATOR_KEYS))


@dataclass(frozen=True)
class DepartmentRating:
    department: Department
    summary: RatingSummary


def department_ratings() -> list[DepartmentRating]:
    """Each department that took part in visits, with its ratings as an anonymous mean."""
    departments = Department.objects.filter(
        pk__in=Visit.objects.values("tasks__department")
    ).order_by("sort_order", "name")
    return [DepartmentRating(d, rating_summary(d)) for d in departments]
