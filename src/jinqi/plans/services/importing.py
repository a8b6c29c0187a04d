"""Plans and their measures from a measure table, and next year's plan from this one."""

from __future__ import annotations

import calendar as pycalendar
import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from jinqi.accounts.models import Department, User
from jinqi.audit.enums import AuditAction
from jinqi.audit.services import audit_record, snapshot
from jinqi.core.errors import DomainError
from jinqi.core.permissions import ensure_capability
from jinqi.plans.enums import DeadlineKind
from jinqi.plans.importing import MeasureRow, parse_measure_table, read_table
from jinqi.plans.models import Assignment, Measure, MeasureUnit, Plan
from jinqi.plans.permissions import SUPERVISE

MEASURE_FIELDS = (
    "pilot",
    "service_area",
    "action",
    "reform_item",
    "text",
    "deadline_kind",
    "deadline_text",
    "due_date",
)


@dataclass(frozen=True)
class ImportResult:
    plan: Plan
    created: int
    updated: int
    unchanged: int
    deadline_not_stated: list[int]


@transaction.atomic
def plan_import(
    *,
    code: str,
    title: str,
    year: int,
    content: bytes,
    file_name: str,
    acting_user: User,
    document_number: str = "",
) -> ImportResult:
    """Create or update a plan from a measure table; any bad row, or a file the shared file
    check refuses before anything reads it, means nothing is written."""
    table = read_table(content, file_name=file_name)
    rows = parse_measure_table(table, year=year, departments=Department.objects.all())
    plan, plan_created = Plan.objects.get_or_create(
        code=code, defaults={"title": title, "year": year, "document_number": document_number}
    )
    if plan_created:
        audit_record(
            actor=acting_user, action=AuditAction.CREATE, target=plan, after=snapshot(plan)
        )
    elif plan.year != year:
        raise DomainError(
            _("Plan %(code)s is the plan of %(year)s; import it with that year.")
            % {"code": code, "year": plan.year}
        )
    created = updated = unchanged = 0
    for row in rows:
        outcome = _measure_upsert(plan, row, acting_user)
        created += outcome == "created"
        updated += outcome == "updated"
        unchanged += outcome == "unchanged"
    return ImportResult(
        plan=plan,
        created=created,
        updated=updated,
        unchanged=unchanged,
        deadline_not_stated=[r.seq for r in rows if r.deadline_kind == DeadlineKind.NOT_STATED],
    )


def _measure_upsert(plan: Plan, row: MeasureRow, acting_user: User) -> str:
    values = {
        "pilot": row.pilot,
        "service_area": row.service_area,
        "action": row.action,
        "reform_item": row.reform_item,
        "text": row.measure,
        "deadline_kind": row.deadline_kind,
        "deadline_text": row.deadline_text,
        "due_date": row.due_date,
    }
    measure = Measure.objects.filter(plan=plan, seq=row.seq).first()
    units = [(u.department, u.written_as) for u in row.units]
    if measure is None:
        measure = Measure.objects.create(plan=plan, seq=row.seq, **values)
        _units_set(measure, units)
        audit_record(
            actor=acting_user,
            action=AuditAction.CREATE,
            target=measure,
            after=snapshot(measure, MEASURE_FIELDS),
        )
        return "created"
    before = snapshot(measure, MEASURE_FIELDS)
    old_units = [(u.department, u.written_as) for u in measure.units.all()]
    for name, value in values.items():
        setattr(measure, name, value)
    after = snapshot(measure, MEASURE_FIELDS)
    if before == after and old_units == units:
        return "unchanged"
    measure.save()
    if old_units != units:
        _units_set(measure, units)
        before["units"] = "、".join(w for _d, w in old_units)
        after["units"] = "、".join(w for _d, w in units)
    audit_record(
        actor=acting_user, action=AuditAction.UPDATE, target=measure, before=before, after=after
    )
    return "updated"


def _units_set(measure: Measure, units: list[tuple[Department, str]]) -> None:
    measure.units.all().delete()
    MeasureUnit.objects.bulk_create(
        MeasureUnit(measure=measure, department=d, written_as=w, position=i)
        for i, (d, w) in enumerate(units)
    )
    assignments_sync(measure)


def assignments_sync(measure: Measure) -> None:
    """Make the reporting departments match the units, expanding groups to their members.

    A department that already reported keeps its assignment even if it left the group.
    """
    wanted: dict[int, tuple[Department | None, bool]] = {}
    for unit in measure.units.select_related("department").order_by("position"):
        is_lead = unit.position == 0
        if unit.department.is_group:
            for member in unit.department.members.all():
                wanted.setdefault(member.pk, (unit.department, is_lead))
        else:
            wanted.setdefault(unit.department_id, (None, is_lead))
    existing = {a.department_id: a for a in measure.assignments.all()}
    for department_id, (group, is_lead) in wanted.items():
        current = existing.pop(department_id, None)
        if current is None:
            Assignment.objects.create(
                measure=measure, department_id=department_id, via_group=group, is_lead=is_lead
            )
        elif current.via_group != group or current.is_lead != is_lead:
            current.via_group, current.is_lead = group, is_lead
            current.save(update_fields=["via_group", "is_lead"])
    for leftover in existing.values():
        if not leftover.reports.exists():
            leftover.delete()


@transaction.atomic
def plan_roll_over(*, source: Plan, code: str, title: str, year: int, acting_user: User) -> Plan:
    """Start next year's plan from this one: measures and units copied, deadlines moved by the
    difference in years, reports and history left with the old plan."""
    ensure_capability(acting_user, SUPERVISE)
    if year <= source.year:
        raise DomainError(
            _("The new plan must be for a later year than %(year)s.") % {"year": source.year}
        )
    if Plan.objects.filter(code=code).exists():
        raise DomainError(_("A plan with the code %(code)s already exists.") % {"code": code})
    plan = Plan.objects.create(code=code, title=title, year=year, rolled_over_from=source)
    shift = year - source.year
    for measure in source.measures.prefetch_related("units"):
        copy = Measure.objects.create(
            plan=plan,
            seq=measure.seq,
            pilot=measure.pilot,
            service_area=measure.service_area,
            action=measure.action,
            reform_item=measure.reform_item,
            text=measure.text,
            deadline_kind=measure.deadline_kind,
            # A deadline written with its year ("2022年6月") names the new year.
            deadline_text=measure.deadline_text.replace(str(source.year), str(year)),
            due_date=_shift_years(measure.due_date, shift),
        )
        _units_set(copy, [(u.department, u.written_as) for u in measure.units.all()])
    audit_record(
        actor=acting_user,
        action=AuditAction.CREATE,
        target=plan,
        after={**snapshot(plan), "rolled_over_from": source.code},
    )
    return plan


def _shift_years(day: dt.date | None, years: int) -> dt.date | None:
    """The same day `years` later; a month's last day stays its month's last day (Feb 28/29)."""
    if day is None:
        return None
    last_day = pycalendar.monthrange(day.year, day.month)[1]
    target_last = pycalendar.monthrange(day.year + years, day.month)[1]
    new_day = target_last if day.day == last_day else min(day.day, target_last)
    return day.replace(year=day.year + years, day=new_day)
