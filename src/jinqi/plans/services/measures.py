"""The lead office completes a plan's measures: group members, deadlines, live indicators."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from jinqi.accounts.models import Department, User
from jinqi.audit.enums import AuditAction
from jinqi.audit.services import audit_record, snapshot
from jinqi.core.errors import DomainError, PermissionDenied
from jinqi.core.indicators import indicator
from jinqi.core.permissions import ensure_capability
from jinqi.plans.importing import parse_deadline
from jinqi.plans.models import Measure
from jinqi.plans.permissions import SUPERVISE, can_supervise
from jinqi.plans.services.importing import MEASURE_FIELDS, assignments_sync


@transaction.atomic
def group_members_set(*, group: Department, members: list[Department], acting_user: User) -> None:
    """The lead office edits which units a group stands for; assignments follow."""
    if not (can_supervise(acting_user) or getattr(acting_user, "is_superuser", False)):
        raise PermissionDenied(_("You are not allowed to do this."))
    if not group.is_group:
        raise DomainError(_("%(name)s is not a group of units.") % {"name": group})
    if any(m.is_group for m in members):
        raise DomainError(_("A group's members must be single units, not groups."))
    before = sorted(group.members.values_list("code", flat=True))
    group.members.set(members)
    audit_record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        target=group,
        before={"members": before},
        after={"members": sorted(m.code for m in members)},
    )
    for measure in Measure.objects.filter(units__department=group).distinct():
        assignments_sync(measure)


@transaction.atomic
def measure_deadline_set(*, measure: Measure, deadline_text: str, acting_user: User) -> Measure:
    """The lead office completes or corrects a measure's deadline."""
    ensure_capability(acting_user, SUPERVISE)
    parsed = parse_deadline(deadline_text, measure.plan.year)
    if parsed is None:
        raise DomainError(
            _("“%(value)s” is not a deadline (write e.g. 6月, 持续推进 or 已完成，巩固成效).")
            % {"value": deadline_text}
        )
    before = snapshot(measure, MEASURE_FIELDS)
    measure.deadline_kind, measure.due_date = parsed
    measure.deadline_text = deadline_text.strip()
    measure.save(update_fields=["deadline_kind", "due_date", "deadline_text"])
    audit_record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        target=measure,
        before=before,
        after=snapshot(measure, MEASURE_FIELDS),
    )
    return measure


@transaction.atomic
def measure_indicators_set(*, measure: Measure, keys: list[str], acting_user: User) -> Measure:
    """Link live indicators of the platform to a measure, so its page shows their values."""
    ensure_capability(acting_user, SUPERVISE)
    unknown = [k for k in keys if indicator(k) is None]
    if unknown:
        raise DomainError(_("Unknown indicators: %(keys)s") % {"keys": ", ".join(unknown)})
    before = {"indicator_keys": measure.indicator_keys}
    measure.indicator_keys = list(dict.fromkeys(keys))
    measure.save(update_fields=["indicator_keys"])
    audit_record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        target=measure,
        before=before,
        after={"indicator_keys": measure.indicator_keys},
    )
    return measure
