"""Publication and repair periods of dishonesty records, per rule version, and the dates they
give (民法典 第二百零一、二百零二条).

A period of N months or years starts the day after the decision (the decision day is not
counted) and ends on the day of its final month that bears the decision date's number, or that
month's last day where there is none; the next day is the first day after it. Weekends and
holidays do not move these dates: a publication period is not a deadline for an act (第二百零三条
is about those). Pure functions, no database: the command line, the records' services and the
tests all use them.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from jinqi.credit.enums import Severity


@dataclass(frozen=True)
class Periods:
    """Minimum and maximum publication of one class of record, in months (0: no minimum)."""

    min_months: int
    max_months: int


@dataclass(frozen=True)
class RuleVersion:
    code: str
    basis: str  # the document, as it is cited
    periods: dict[str, Periods]
    in_force_from: dt.date


RULES_2019 = RuleVersion(
    code="fgw-2019-527",
    basis="国家发展改革委办公厅《关于进一步完善“信用中国”网站及地方信用门户网站行政处罚信息"
    "信用修复机制的通知》（发改办财金〔2019〕527号）",
    # 527号 knows general and serious records; a minor one is given the 2025 periods.
    periods={
        Severity.MINOR: Periods(0, 3),
        Severity.GENERAL: Periods(3, 12),
        Severity.SERIOUS: Periods(6, 36),
    },
    in_force_from=dt.date(2019, 7, 1),
)

RULES_2025 = RuleVersion(
    code="gbf-2025-22",
    basis="国务院办公厅《关于进一步完善信用修复制度的实施方案》（国办发〔2025〕22号）",
    periods={
        Severity.MINOR: Periods(0, 3),
        Severity.GENERAL: Periods(3, 12),
        Severity.SERIOUS: Periods(12, 36),
    },
    in_force_from=dt.date(2025, 6, 22),
)

RULE_VERSIONS = {rule.code: rule for rule in (RULES_2019, RULES_2025)}
CURRENT = RULES_2025


def rule_for(decided: dt.date) -> RuleVersion:
    """The rule version a record decided on `decided` is kept under."""
    return RULES_2025 if decided >= RULES_2025.in_force_from else RULES_2019


def period_end(start: dt.date, months: int) -> dt.date:
    """The last day of a period of `months` months counted from the day after `start`."""
    month_index = start.year * 12 + start.month - 1 + months
    year, month = divmod(month_index, 12)
    month += 1
    return dt.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def first_day_after(start: dt.date, months: int) -> dt.date:
    """The first day after a period of `months` months from `start` (the start itself if 0)."""
    if months == 0:
        return start
    return period_end(start, months) + dt.timedelta(days=1)


@dataclass(frozen=True)
class RepairDates:
    """What a record's dates are and why."""

    severity: str
    decided: dt.date
    fulfilled: dt.date | None
    periods: Periods
    rule: RuleVersion
    basis: str  # the rule version's, or the law's that overrides its periods
    repairable_from: dt.date  # the first day after the minimum period
    takedown: dt.date  # the first day after the maximum period

    @property
    def earliest_repair(self) -> dt.date | None:
        """The first day repair may be asked for: None until the obligation is fulfilled."""
        if self.fulfilled is None:
            return None
        return max(self.fulfilled, self.repairable_from)

    def explanation(self) -> list[str]:
        """The computation in sentences, for the enterprise and the department."""
        lines = [
            _("Decided on %(decided)s; the decision day is not counted (民法典 第二百零一条).")
            % {"decided": self.decided.isoformat()}
        ]
        if self.periods.min_months:
            lines.append(
                _(
                    "Minimum publication: %(months)s months, ending on %(end)s; repair may be "
                    "requested from %(first)s, once the obligation is fulfilled."
                )
                % {
                    "months": self.periods.min_months,
                    "end": (self.repairable_from - dt.timedelta(days=1)).isoformat(),
                    "first": self.repairable_from.isoformat(),
                }
            )
        else:
            lines.append(
                _(
                    "No minimum publication: repair may be requested once the obligation is "
                    "fulfilled."
                )
            )
        lines.append(
            _(
                "Maximum publication: %(months)s months, ending on %(end)s; the record is taken "
                "down on %(takedown)s without any application."
            )
            % {
                "months": self.periods.max_months,
                "end": (self.takedown - dt.timedelta(days=1)).isoformat(),
                "takedown": self.takedown.isoformat(),
            }
        )
        lines.append(
            _(
                "A period ends on the day of its last month that bears the decision day's "
                "number, or on that month's last day where there is none (民法典 第二百零二条); "
                "weekends and holidays do not move it."
            )
        )
        if self.fulfilled is None:
            lines.append(_("The obligation is not yet fulfilled: fulfil it first."))
        return lines


def repair_dates(
    *,
    severity: str,
    decided: dt.date,
    fulfilled: dt.date | None = None,
    rule: RuleVersion = CURRENT,
    override: Periods | None = None,
    override_basis: str = "",
) -> RepairDates:
    """The dates of a record of class `severity` decided on `decided`. `override`: periods a law
    or administrative regulation sets instead of the rule version's, with `override_basis`."""
    if severity not in Severity.values:
        raise ValueError(_("Unknown class of record."))
    if fulfilled is not None and fulfilled < decided:
        raise ValueError(_("The obligation cannot be fulfilled before the decision date."))
    if override is not None and not (0 <= override.min_months <= override.max_months > 0):
        raise ValueError(_("The minimum period must not exceed the maximum."))
    if override is not None and not override_basis.strip():
        raise ValueError(_("Name the law that sets other periods."))
    periods = override or rule.periods[severity]
    return RepairDates(
        severity=severity,
        decided=decided,
        fulfilled=fulfilled,
        periods=periods,
        rule=rule,
        basis=override_basis.strip() if override else rule.basis,
        repairable_from=first_day_after(decided, periods.min_months),
        takedown=first_day_after(decided, periods.max_months),
    )
