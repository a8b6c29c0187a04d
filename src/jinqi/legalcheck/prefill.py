"""What the platform already knows for an item, graded and cited: the credit records in force
(abnormal-operation list, serious dishonesty, administrative penalties with their repair day) and
the tax credit level of the enterprise's profile. The provider reads it with the enterprise and
may correct it; the source and as-of date stay on the finding and in the report."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from jinqi.core import clock
from jinqi.credit.enums import RecordKind, RecordStatus, Severity
from jinqi.credit.models import CreditRecord
from jinqi.credit.selectors import records_of_enterprise
from jinqi.credit.services import record_dates
from jinqi.legalcheck.enums import Grade, Prefill
from jinqi.registry.models import Enterprise
from jinqi.registry.selectors import profile_with_sources


@dataclass(frozen=True)
class Known:
    grade: str
    observation: str
    advice: str
    source: str
    as_of: dt.date


def _platform() -> str:
    return _("credit records held by the platform")


def _listed(records: list[CreditRecord], kind: str, today: dt.date) -> Known:
    found = [r for r in records if r.kind == kind]
    if not found:
        return Known(Grade.GREEN, _("Not listed."), "", _platform(), today)
    lines = "；".join(f"{r.decision_number}（{r.department.name}，{r.decided_on}）" for r in found)
    if kind == RecordKind.SERIOUS_DISHONESTY:
        grade, advice = (
            Grade.RED,
            _(
                "Fulfil the obligations of the decision at once and apply for credit repair from "
                "the day it becomes possible; until then credit gates stop payments and approvals."
            ),
        )
    else:
        grade, advice = (
            Grade.AMBER,
            _(
                "Put right what caused the listing (annual report, registered address) and apply "
                "to the market regulator to be removed from the list."
            ),
        )
    return Known(
        grade,
        _("Listed: %(records)s.") % {"records": lines},
        advice,
        "、".join(sorted({r.department.name for r in found})),
        today,
    )


def _penalties(records: list[CreditRecord], today: dt.date) -> Known:
    found = [r for r in records if r.kind == RecordKind.PENALTY]
    if not found:
        return Known(Grade.GREEN, _("No administrative penalty in force."), "", _platform(), today)
    parts, advice, grade = [], [], Grade.AMBER
    for record in found:
        dates = record_dates(record)
        earliest = dates.earliest_repair
        if earliest is None:
            when = _("repair once the obligation is fulfilled, not before %(day)s") % {
                "day": record.repairable_from.isoformat()
            }
        elif earliest <= today:
            when = _("repairable now")
        else:
            when = _("repairable from %(day)s") % {"day": earliest.isoformat()}
        parts.append(
            _("%(number)s (%(department)s, %(date)s, %(severity)s): %(when)s")
            % {
                "number": record.decision_number,
                "department": record.department.name,
                "date": record.decided_on.isoformat(),
                "severity": record.get_severity_display(),
                "when": when,
            }
        )
        if record.severity == Severity.SERIOUS or earliest is None:
            grade = Grade.RED
    advice.append(
        _(
            "Fulfil every obligation of the decisions and apply for credit repair on the "
            "platform (My credit) from the day shown; repair is free of charge."
        )
    )
    return Known(
        grade,
        "；".join(parts),
        "".join(advice),
        "、".join(sorted({r.department.name for r in found})),
        today,
    )


TAX_GRADES = {
    "A": Grade.GREEN,
    "B": Grade.GREEN,
    "M": Grade.GREEN,
    "C": Grade.AMBER,
    "D": Grade.RED,
}


def _tax(enterprise: Enterprise, today: dt.date) -> Known | None:
    sourced = profile_with_sources(enterprise).get("tax_credit_level")
    if sourced is None or sourced.value not in TAX_GRADES:
        return None  # not known: the provider asks at the visit
    level = str(sourced.value)
    grade = TAX_GRADES[level]
    advice = (
        ""
        if grade == Grade.GREEN
        else _(
            "Settle arrears and late filings and ask the tax office for the level to be "
            "re-assessed (纳税信用修复)."
        )
    )
    return Known(
        grade,
        _("Tax credit level %(level)s.") % {"level": level},
        advice,
        sourced.source,
        sourced.as_of or today,
    )


def known_answers(enterprise: Enterprise) -> dict[str, Known]:
    """Prefill kind → the platform's answer, for the kinds it can answer for this enterprise."""
    today = clock.today()
    records = list(records_of_enterprise(enterprise).filter(status=RecordStatus.PUBLISHED))
    answers = {
        Prefill.ABNORMAL_LIST.value: _listed(records, RecordKind.ABNORMAL_LIST, today),
        Prefill.SERIOUS_DISHONESTY.value: _listed(records, RecordKind.SERIOUS_DISHONESTY, today),
        Prefill.PENALTIES.value: _penalties(records, today),
    }
    tax = _tax(enterprise, today)
    if tax is not None:
        answers[Prefill.TAX_CREDIT.value] = tax
    return answers
