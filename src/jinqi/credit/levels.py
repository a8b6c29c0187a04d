"""The tax credit level (纳税信用级别) from the year's score (国家税务总局公告2014年第40号,
2018年第8号; thresholds believed unchanged by the 2025 《纳税缴费信用管理办法》)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from jinqi.credit.enums import TaxLevel

TAX_LEVEL_BASIS = "国家税务总局公告2014年第40号、2018年第8号"


def tax_level(
    score: int, *, new_entity: bool = False, no_revenue: bool = False, direct_d: bool = False
) -> str:
    """The level letter: directly judged → D; newly established → M; no operating revenue and a
    score of at least 70 → M; otherwise A from 90, B from 70, C from 40, D below."""
    if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= 100:
        raise ValueError(_("The score is a whole number from 0 to 100."))
    if direct_d:
        return TaxLevel.D.value
    if new_entity or (no_revenue and score >= 70):
        return TaxLevel.M.value
    if score >= 90:
        return TaxLevel.A.value
    if score >= 70:
        return TaxLevel.B.value
    if score >= 40:
        return TaxLevel.C.value
    return TaxLevel.D.value
