"""Per-department figures following 接诉即办's three rates, plus volume and the reopen rate, and
the district totals registered as live indicators. Definitions: docs/appeals.md.

Every figure is over the appeals *filed* in the period, merged duplicates left out, and is
counted for the department responsible for the appeal now (after any transfer).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from jinqi.accounts.models import Department
from jinqi.appeals.enums import AppealState
from jinqi.appeals.models import Appeal
from jinqi.appeals.selectors import overdue_q
from jinqi.core import clock
from jinqi.core.indicators import Indicator, register_indicator
from jinqi.core.memo import once_per_request

S = AppealState


@dataclass(frozen=True)
class Figures:
    department: Department | None  # None for the district total
    volume: int
    responses_due: int  # first responses given, or whose limit has passed
    responded_on_time: int
    closed: int
    solved: int
    rated: int
    satisfied: int  # rated 4 or 5
    resolved_ever: int  # resolved at least once (the reopen rate's base)
    reopened: int
    open_overdue: int

    @staticmethod
    def _rate(part: int, whole: int) -> float | None:
        return round(100 * part / whole, 1) if whole else None

    @property
    def response_rate(self) -> float | None:
        """响应率: first responses on time / first responses due."""
        return self._rate(self.responded_on_time, self.responses_due)

    @property
    def resolution_rate(self) -> float | None:
        """解决率: closed appeals the enterprise calls solved / closed appeals."""
        return self._rate(self.solved, self.closed)

    @property
    def satisfaction_rate(self) -> float | None:
        """满意率: ratings of 4 or 5 / ratings."""
        return self._rate(self.satisfied, self.rated)

    @property
    def reopen_rate(self) -> float | None:
        """Reopened at least once / resolved at least once."""
        return self._rate(self.reopened, self.resolved_ever)


def _counts(today: dt.date) -> dict[str, Count]:
    responded = Q(responded_on__isnull=False)
    return {
        "volume": Count("id"),
        "responses_due": Count("id", filter=responded | Q(response_due__lt=today)),
        "responded_on_time": Count("id", filter=responded & Q(responded_on__lte=F("response_due"))),
        "closed": Count("id", filter=Q(state=S.CLOSED)),
        "solved": Count("id", filter=Q(state=S.CLOSED, solved=True)),
        "rated": Count("id", filter=Q(rating__isnull=False)),
        "satisfied": Count("id", filter=Q(rating__gte=4)),
        "resolved_ever": Count(
            "id", filter=Q(state__in=(S.RESOLVED, S.CLOSED)) | Q(reopen_count__gt=0)
        ),
        "reopened": Count("id", filter=Q(reopen_count__gt=0)),
        "open_overdue": Count("id", filter=overdue_q(today)),
    }


def _filed_in(start: dt.date, end: dt.date) -> QuerySet[Appeal]:
    return Appeal.objects.exclude(state=S.MERGED).filter(
        filed_at__date__gte=start, filed_at__date__lte=end
    )


def by_department(start: dt.date, end: dt.date) -> list[Figures]:
    """One row per department with appeals filed in the period, the busiest first."""
    rows: list[dict[str, Any]] = [
        dict(r)
        for r in _filed_in(start, end).values("department").annotate(**_counts(clock.today()))
    ]
    departments = Department.objects.in_bulk([r["department"] for r in rows])
    figures = [Figures(**{**r, "department": departments[r["department"]]}) for r in rows]
    return sorted(
        figures, key=lambda f: (-f.volume, f.department.sort_order if f.department else 0)
    )


@once_per_request
def district(start: dt.date, end: dt.date) -> Figures:
    counts = _filed_in(start, end).aggregate(**_counts(clock.today()))
    return Figures(department=None, **counts)


# -- live indicators: the district this year, for plan measures such as 65 (政企沟通) ----------


def _this_year() -> Figures:
    today = clock.today()
    return district(dt.date(today.year, 1, 1), today)


def response_rate() -> float | None:
    return _this_year().response_rate


def resolution_rate() -> float | None:
    return _this_year().resolution_rate


def satisfaction_rate() -> float | None:
    return _this_year().satisfaction_rate


def volume() -> int:
    return _this_year().volume


def register() -> None:
    register_indicator(
        Indicator(
            "appeals.response_rate",
            _("Appeals answered on time (response rate)"),
            "%",
            response_rate,
        )
    )
    register_indicator(
        Indicator(
            "appeals.resolution_rate",
            _("Appeals solved (resolution rate)"),
            "%",
            resolution_rate,
        )
    )
    register_indicator(
        Indicator(
            "appeals.satisfaction_rate",
            _("Enterprises satisfied with the answer (满意率)"),
            "%",
            satisfaction_rate,
        )
    )
    register_indicator(Indicator("appeals.volume", _("Appeals filed this year"), "", volume))
