"""Writes for plans, one module per use case; every function is atomic and writes its audit rows
and notices in the same transaction. The package names them all, so callers import from here."""

from jinqi.plans.services.calendar import calendar_day_set, calendar_year_resolve
from jinqi.plans.services.importing import ImportResult, plan_import, plan_roll_over
from jinqi.plans.services.measures import (
    group_members_set,
    measure_deadline_set,
    measure_indicators_set,
)
from jinqi.plans.services.reporting import (
    report_publication_set,
    report_return,
    report_review,
    report_save,
)
from jinqi.plans.services.supervision import supervision_record, urging_issue, urging_reply

__all__ = [
    "ImportResult",
    "calendar_day_set",
    "calendar_year_resolve",
    "group_members_set",
    "measure_deadline_set",
    "measure_indicators_set",
    "plan_import",
    "plan_roll_over",
    "report_publication_set",
    "report_return",
    "report_review",
    "report_save",
    "supervision_record",
    "urging_issue",
    "urging_reply",
]
