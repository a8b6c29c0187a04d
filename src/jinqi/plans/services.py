"""Writes for plans: imports, reports and their review, urging, the supervision log, rollover.

Every function here is atomic and writes its audit rows and notices in the same transaction.
"""

from __future__ import annotations

import calendar as pycalendar
import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext as _

from jinqi.accounts.models import Department
from jinqi.accounts.selectors import department_staff
from jinqi.audit.enums import AuditAction
from jinqi.audit.services import audit_record, snapshot
from jinqi.core import calendar, clock
from jinqi.core.errors import ConflictError, DomainError, PermissionDenied
from jinqi.core.models import CalendarOverride, StoredFile
from jinqi.notifications.services import notification_send
from jinqi.plans.enums import (
    AlertKind,
    DeadlineKind,
    MeasureStatus,
    Rating,
    ReportEventKind,
    ReportState,
    SupervisionKind,
)
from jinqi.plans.importing import MeasureRow, parse_measure_table, read_table
from jinqi.plans.models import (
    Assignment,
    Measure,
    MeasureUnit,
    Plan,
    ProgressReport,
    ReportEvent,
    SupervisionEntry,
    UrgingNotice,
)
from jinqi.plans.permissions import can_report, can_supervise

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


def _require(condition: bool) -> None:
    if not condition:
        raise PermissionDenied(_("You are not allowed to do this."))


@transaction.atomic
def plan_import(
    *,
    code: str,
    title: str,
    year: int,
    content: bytes,
    file_name: str,
    acting_user: Any,
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


def _measure_upsert(plan: Plan, row: MeasureRow, acting_user: Any) -> str:
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
def group_members_set(*, group: Department, members: list[Department], acting_user: Any) -> None:
    """The lead office edits which units a group stands for; assignments follow."""
    _require(can_supervise(acting_user) or getattr(acting_user, "is_superuser", False))
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
def measure_deadline_set(*, measure: Measure, deadline_text: str, acting_user: Any) -> Measure:
    """The lead office completes or corrects a measure's deadline."""
    from jinqi.plans.importing import parse_deadline

    _require(can_supervise(acting_user))
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


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _assignment_for(user: Any, measure: Measure) -> Assignment:
    assignment = measure.assignments.filter(department_id=user.department_id).first()
    if not can_report(user) or assignment is None:
        raise PermissionDenied(_("Only the measure's responsible units can report on it."))
    return assignment


@transaction.atomic
def report_save(
    *,
    measure: Measure,
    period: dt.date,
    status: str,
    narrative: str,
    acting_user: Any,
    indicator_values: dict[str, float] | None = None,
    evidence: list[StoredFile] | None = None,
    submit: bool = False,
    expected_version: int | None = None,
) -> ProgressReport:
    """Save the department's report for a month as a draft, or submit it to the lead office."""
    assignment = _assignment_for(acting_user, measure)
    period = month_start(period)
    plan = measure.plan
    if not plan.period_start <= period <= plan.period_end:
        raise DomainError(
            _("A report is written for a month of the plan's year %(year)d.") % {"year": plan.year}
        )
    if period > month_start(clock.today()):
        raise DomainError(_("A report cannot be written for a month that has not begun."))
    if status not in MeasureStatus.values:
        raise DomainError(_("Unknown status “%(value)s”.") % {"value": status})
    if not narrative.strip():
        raise DomainError(_("Describe the progress made."))
    report = (
        ProgressReport.objects.select_for_update()
        .filter(assignment=assignment, period=period)
        .first()
    )
    now = clock.now()
    if report is None:
        report = ProgressReport(
            assignment=assignment, period=period, created_by=acting_user, created_at=now
        )
        before: dict[str, Any] = {}
    else:
        if report.state not in (ReportState.DRAFT, ReportState.RETURNED):
            raise DomainError(
                _("This report was already submitted; it can be changed only if it is returned.")
            )
        if expected_version is not None and report.version != expected_version:
            raise ConflictError(
                _("Someone else changed this report meanwhile; reload it and try again.")
            )
        before = snapshot(report, ["status", "narrative", "state"])
        report.version = F("version") + 1
    report.status = status
    report.narrative = narrative.strip()
    report.indicator_values = indicator_values or {}
    if submit:
        report.state = ReportState.SUBMITTED
        report.submitted_at = now
    report.save()
    report.refresh_from_db()
    if evidence:
        report.evidence.add(*evidence)
    audit_record(
        actor=acting_user,
        action=AuditAction.UPDATE if before else AuditAction.CREATE,
        target=report,
        before=before,
        after=snapshot(report, ["status", "narrative", "state"]),
    )
    if submit:
        ReportEvent.objects.create(
            report=report, kind=ReportEventKind.SUBMITTED, actor=acting_user, at=now
        )
    return report


def _report_link(report: ProgressReport) -> str:
    return reverse("plans:report_detail", args=[report.pk])


@transaction.atomic
def report_review(
    *,
    report: ProgressReport,
    rating: str,
    comment: str,
    acting_user: Any,
    expected_version: int,
    public_summary: str = "",
) -> ProgressReport:
    """The lead office rates a submitted report and may publish a summary of it."""
    _require(can_supervise(acting_user))
    report = _locked(report, expected_version)
    if report.state != ReportState.SUBMITTED:
        raise DomainError(_("Only a submitted report can be reviewed."))
    if rating not in Rating.values:
        raise DomainError(_("Choose a rating."))
    now = clock.now()
    before = snapshot(report, ["state", "rating", "is_public"])
    report.state = ReportState.REVIEWED
    report.rating = rating
    report.review_comment = comment.strip()
    report.reviewed_at = now
    if public_summary.strip():
        report.public_summary = public_summary.strip()
        report.is_public = True
    report.version = F("version") + 1
    report.save()
    report.refresh_from_db()
    ReportEvent.objects.create(
        report=report,
        kind=ReportEventKind.REVIEWED,
        actor=acting_user,
        at=now,
        comment=report.review_comment,
        rating=rating,
    )
    if report.is_public:
        ReportEvent.objects.create(
            report=report, kind=ReportEventKind.PUBLISHED, actor=acting_user, at=now
        )
    audit_record(
        actor=acting_user,
        action=AuditAction.TRANSITION,
        target=report,
        before=before,
        after=snapshot(report, ["state", "rating", "is_public"]),
    )
    notification_send(
        recipients=department_staff(report.assignment.department),
        kind=AlertKind.REPORT_REVIEWED,
        title=_("Your report on measure %(seq)s for %(month)s was rated %(rating)s")
        % {
            "seq": report.assignment.measure.seq,
            "month": f"{report.period:%Y-%m}",
            "rating": Rating(rating).label,
        },
        body=report.review_comment,
        link=_report_link(report),
    )
    return report


@transaction.atomic
def report_return(
    *, report: ProgressReport, comment: str, acting_user: Any, expected_version: int
) -> ProgressReport:
    """Send a submitted report back to its department for rework, with the reasons."""
    _require(can_supervise(acting_user))
    if not comment.strip():
        raise DomainError(_("Say what needs to be reworked."))
    report = _locked(report, expected_version)
    if report.state != ReportState.SUBMITTED:
        raise DomainError(_("Only a submitted report can be returned."))
    now = clock.now()
    report.state = ReportState.RETURNED
    report.review_comment = comment.strip()
    report.version = F("version") + 1
    report.save()
    report.refresh_from_db()
    ReportEvent.objects.create(
        report=report,
        kind=ReportEventKind.RETURNED,
        actor=acting_user,
        at=now,
        comment=comment.strip(),
    )
    audit_record(
        actor=acting_user,
        action=AuditAction.TRANSITION,
        target=report,
        before={"state": ReportState.SUBMITTED},
        after={"state": report.state},
    )
    notification_send(
        recipients=department_staff(report.assignment.department),
        kind=AlertKind.REPORT_RETURNED,
        title=_("Your report on measure %(seq)s for %(month)s was returned for rework")
        % {"seq": report.assignment.measure.seq, "month": f"{report.period:%Y-%m}"},
        body=comment.strip(),
        link=_report_link(report),
    )
    return report


@transaction.atomic
def report_publication_set(
    *,
    report: ProgressReport,
    public_summary: str,
    is_public: bool,
    acting_user: Any,
    expected_version: int,
) -> ProgressReport:
    """The lead office decides what of a reviewed report the public sees."""
    _require(can_supervise(acting_user))
    report = _locked(report, expected_version)
    if report.state != ReportState.REVIEWED:
        raise DomainError(_("Only a reviewed report can be published."))
    if is_public and not public_summary.strip():
        raise DomainError(_("Write the summary the public will see."))
    before = snapshot(report, ["is_public", "public_summary"])
    report.public_summary = public_summary.strip()
    report.is_public = is_public
    report.version = F("version") + 1
    report.save()
    report.refresh_from_db()
    ReportEvent.objects.create(
        report=report,
        kind=ReportEventKind.PUBLISHED if is_public else ReportEventKind.UNPUBLISHED,
        actor=acting_user,
        at=clock.now(),
    )
    audit_record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        target=report,
        before=before,
        after=snapshot(report, ["is_public", "public_summary"]),
    )
    return report


def _locked(report: ProgressReport, expected_version: int) -> ProgressReport:
    current = (
        ProgressReport.objects.select_for_update()
        .select_related("assignment__measure", "assignment__department")
        .get(pk=report.pk)
    )
    if current.version != expected_version:
        raise ConflictError(
            _("Someone else changed this report meanwhile; reload it and try again.")
        )
    return current


@transaction.atomic
def urging_issue(
    *,
    measure: Measure,
    department: Department,
    message: str,
    reply_due: dt.date,
    acting_user: Any,
) -> UrgingNotice:
    """催办: urge a responsible department on a measure, with a date to reply by."""
    _require(can_supervise(acting_user))
    if not measure.assignments.filter(department=department).exists():
        raise DomainError(_("%(dept)s is not responsible for this measure.") % {"dept": department})
    if not message.strip():
        raise DomainError(_("Write the urging message."))
    if reply_due < clock.today():
        raise DomainError(_("The reply date cannot be in the past."))
    notice = UrgingNotice.objects.create(
        measure=measure,
        department=department,
        message=message.strip(),
        reply_due=reply_due,
        issued_by=acting_user,
        issued_at=clock.now(),
    )
    audit_record(
        actor=acting_user,
        action=AuditAction.CREATE,
        target=notice,
        after=snapshot(notice, ["measure_id", "department_id", "message", "reply_due"]),
    )
    notification_send(
        recipients=department_staff(department),
        kind=AlertKind.URGING,
        title=_("Urging notice on measure %(seq)s: reply by %(date)s")
        % {"seq": measure.seq, "date": reply_due.isoformat()},
        body=message.strip(),
        link=reverse("plans:urging_detail", args=[notice.pk]),
    )
    return notice


@transaction.atomic
def urging_reply(*, notice: UrgingNotice, reply: str, acting_user: Any) -> UrgingNotice:
    # Locked, so two replies sent at the same moment cannot both be accepted.
    notice = UrgingNotice.objects.select_for_update().get(pk=notice.pk)
    if not can_report(acting_user) or acting_user.department_id != notice.department_id:
        raise PermissionDenied(_("Only the urged department can reply."))
    if notice.replied_at is not None:
        raise DomainError(_("This urging notice was already answered."))
    if not reply.strip():
        raise DomainError(_("Write the reply."))
    notice.reply = reply.strip()
    notice.replied_by = acting_user
    notice.replied_at = clock.now()
    notice.save(update_fields=["reply", "replied_by", "replied_at"])
    audit_record(
        actor=acting_user, action=AuditAction.UPDATE, target=notice, after={"reply": notice.reply}
    )
    notification_send(
        recipients=[notice.issued_by],
        kind=AlertKind.URGING_REPLIED,
        title=_("%(dept)s answered the urging notice on measure %(seq)s")
        % {"dept": notice.department, "seq": notice.measure.seq},
        body=notice.reply,
        link=reverse("plans:urging_detail", args=[notice.pk]),
    )
    return notice


@transaction.atomic
def supervision_record(
    *,
    plan: Plan,
    kind: str,
    held_on: dt.date,
    title: str,
    summary: str,
    measures: list[Measure],
    acting_user: Any,
    participants: str = "",
) -> SupervisionEntry:
    """Record a meeting, visit or inquiry (会、访、问) against measures of the plan."""
    _require(can_supervise(acting_user))
    if kind not in SupervisionKind.values:
        raise DomainError(_("Unknown kind of supervision."))
    if not title.strip() or not summary.strip():
        raise DomainError(_("Give the entry a title and a summary."))
    if held_on > clock.today():
        raise DomainError(_("A meeting, visit or inquiry cannot be recorded before it happens."))
    if any(m.plan_id != plan.pk for m in measures):
        raise DomainError(_("Every measure must belong to this plan."))
    entry = SupervisionEntry.objects.create(
        plan=plan,
        kind=kind,
        held_on=held_on,
        title=title.strip(),
        summary=summary.strip(),
        participants=participants.strip(),
        recorded_by=acting_user,
        recorded_at=clock.now(),
    )
    entry.measures.set(measures)
    audit_record(
        actor=acting_user,
        action=AuditAction.CREATE,
        target=entry,
        after=snapshot(entry, ["kind", "held_on", "title"]),
    )
    return entry


@transaction.atomic
def plan_roll_over(*, source: Plan, code: str, title: str, year: int, acting_user: Any) -> Plan:
    """Start next year's plan from this one: measures and units copied, deadlines moved by the
    difference in years, reports and history left with the old plan."""
    _require(can_supervise(acting_user))
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


@transaction.atomic
def measure_indicators_set(*, measure: Measure, keys: list[str], acting_user: Any) -> Measure:
    """Link live indicators of the platform to a measure, so its page shows their values."""
    from jinqi.core.indicators import indicator

    _require(can_supervise(acting_user))
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


@transaction.atomic
def calendar_day_set(
    *, day: dt.date, is_working_day: bool, note: str, acting_user: Any
) -> CalendarOverride:
    """The lead office corrects the working-day calendar that deadlines are counted on (for years
    the holiday library does not know yet, or a local decision)."""
    _require(can_supervise(acting_user))
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
