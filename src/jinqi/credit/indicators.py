"""Live indicators of credit supervision, for plan measures 43–46 and the dashboards."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jinqi.core.indicators import Indicator, register_indicator
from jinqi.credit.enums import RecordStatus, ReorganisationState, Severity
from jinqi.credit.models import CreditRecord, GateEvent, Reorganisation

INDICATOR_KEYS = (
    "credit.records_in_force",
    "credit.serious_in_force",
    "credit.records_repaired",
    "credit.records_taken_down",
    "credit.gates_fired",
    "credit.reorganisations_in_force",
)


def register() -> None:
    register_indicator(
        Indicator(
            "credit.records_in_force",
            _("Dishonesty records in force"),
            _("records"),
            lambda: CreditRecord.objects.filter(status=RecordStatus.PUBLISHED).count(),
        )
    )
    register_indicator(
        Indicator(
            "credit.serious_in_force",
            _("Serious dishonesty records in force"),
            _("records"),
            lambda: CreditRecord.objects.filter(
                status=RecordStatus.PUBLISHED, severity=Severity.SERIOUS
            ).count(),
        )
    )
    register_indicator(
        Indicator(
            "credit.records_repaired",
            _("Records repaired"),
            _("records"),
            lambda: CreditRecord.objects.filter(status=RecordStatus.REPAIRED).count(),
        )
    )
    register_indicator(
        Indicator(
            "credit.records_taken_down",
            _("Records taken down at the end of their period"),
            _("records"),
            lambda: CreditRecord.objects.filter(status=RecordStatus.TAKEN_DOWN).count(),
        )
    )
    register_indicator(
        Indicator(
            "credit.gates_fired",
            _("Decisions stopped by a credit gate"),
            _("decisions"),
            lambda: GateEvent.objects.count(),
        )
    )
    register_indicator(
        Indicator(
            "credit.reorganisations_in_force",
            _("Reorganisations masking records"),
            _("enterprises"),
            lambda: Reorganisation.objects.filter(state=ReorganisationState.IN_FORCE).count(),
        )
    )
