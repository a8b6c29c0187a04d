"""The working-day calendar that deadlines are counted on."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from jinqi.accounts.models import User
from jinqi.audit.enums import AuditAction
from jinqi.audit.services import audit_record
from jinqi.core import calendar
from jinqi.core.errors import DomainError
from jinqi.core.models import CalendarOverride
from jinqi.core.permissions import ensure_capability
from jinqi.plans.permissions import SUPERVISE


@transaction.atomic
def calendar_day_set(
    *, day: dt.date, is_working_day: bool, note: str, acting_user: User
) -> CalendarOverride:
    """The lead office corrects the working-day calendar that deadlines are counted on (for years
    the holiday library does not know yet, or a local decision)."""
    ensure_capability(acting_user, SUPERVISE)
    if not note.strip():
        raise DomainError(_("Say why the day is changed (e.g. the State Council notice)."))
    before = {"is_working_day": calendar.is_working_day(day)}
    override = calendar.calendar_override_set(day=day, is_working_day=is_working_day, note=note)
    audit_record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        target=override,
        before=before,
        after={"is_working_day": is_working_day, "note": override.note},
    )
    return override


@transaction.atomic
def calendar_year_resolve(*, year: int, acting_user: User) -> None:
    """The lead office says it has entered the holidays and days off of a flagged year: counts
    into it follow its entries and are no longer flagged."""
    ensure_capability(acting_user, SUPERVISE)
    gap = calendar.calendar_gap_resolve(year=year)
    if gap is None:
        raise DomainError(_("This year is not flagged."))
    audit_record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        target=gap,
        before={"resolved": False},
        after={"resolved": True},
    )
