"""Live indicators of the legal health check, for plan measures 50–51 (法治体检 and help with the
risks it finds)."""

from __future__ import annotations

from django.db.models import Count, F, Q
from django.utils.translation import gettext_lazy as _

from jinqi.core import clock
from jinqi.core.indicators import Indicator, register_indicator
from jinqi.legalcheck.enums import CheckState, Grade, RectificationResult
from jinqi.legalcheck.models import Finding, LegalCheck, Rectification

INDICATOR_KEYS = (
    "legalcheck.checks_requested",
    "legalcheck.reports_issued",
    "legalcheck.red_risks",
    "legalcheck.rectified_share",
    "legalcheck.rectified_on_time_share",
    "legalcheck.checks_closed",
)

_DONE_STATES = (CheckState.REPORTED, CheckState.CLOSED)


def rectified_share() -> float | None:
    """Rectification items checked at a return visit that were done, in per cent."""
    counts = Rectification.objects.exclude(result="").aggregate(
        checked=Count("pk"), done=Count("pk", filter=Q(result=RectificationResult.DONE))
    )
    if not counts["checked"]:
        return None
    return round(100 * counts["done"] / counts["checked"], 1)


def on_time_share() -> float | None:
    """Rectification items whose deadline has passed that were found done by it, in per cent."""
    due = Rectification.objects.filter(due_on__lt=clock.today())
    counts = due.aggregate(
        due=Count("pk"),
        done=Count(
            "pk",
            filter=Q(result=RectificationResult.DONE, checked_on__lte=F("due_on")),
        ),
    )
    if not counts["due"]:
        return None
    return round(100 * counts["done"] / counts["due"], 1)


def register() -> None:
    for indicator in (
        Indicator(
            "legalcheck.checks_requested",
            _("Legal health checks asked for"),
            _("checks"),
            lambda: LegalCheck.objects.exclude(state=CheckState.WITHDRAWN).count(),
        ),
        Indicator(
            "legalcheck.reports_issued",
            _("Legal risk reports issued"),
            _("reports"),
            lambda: LegalCheck.objects.filter(state__in=_DONE_STATES).count(),
        ),
        Indicator(
            "legalcheck.red_risks",
            _("Major and urgent (red) risks found"),
            _("risks"),
            lambda: Finding.objects.filter(grade=Grade.RED).count(),
        ),
        Indicator(
            "legalcheck.rectified_share",
            _("Rectification items done at the return visit"),
            "%",
            rectified_share,
        ),
        Indicator(
            "legalcheck.rectified_on_time_share",
            _("Rectification items past their deadline that were done"),
            "%",
            on_time_share,
        ),
        Indicator(
            "legalcheck.checks_closed",
            _("Legal health checks closed after a return visit"),
            _("checks"),
            lambda: LegalCheck.objects.filter(state=CheckState.CLOSED).count(),
        ),
    ):
        register_indicator(indicator)
