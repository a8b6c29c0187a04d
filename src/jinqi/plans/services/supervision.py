"""Supervision: urging a department (催办) and its reply, the log of meetings, visits and
inquiries (会、访、问)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from jinqi.accounts.models import Department, User
from jinqi.accounts.selectors import department_staff
from jinqi.audit.enums import AuditAction
from jinqi.audit.services import audit_record, snapshot
from jinqi.core import clock
from jinqi.core.errors import DomainError, PermissionDenied
from jinqi.core.permissions import ensure_capability
from jinqi.notifications.services import notification_send
from jinqi.plans.enums import AlertKind, SupervisionKind
from jinqi.plans.models import Measure, Plan, SupervisionEntry, UrgingNotice
from jinqi.plans.permissions import SUPERVISE, can_report


@transaction.atomic
def urging_issue(
    *,
    measure: Measure,
    department: Department,
    message: str,
    reply_due: dt.date,
    acting_user: User,
) -> UrgingNotice:
    """催办: urge a responsible department on a measure, with a date to reply by."""
    ensure_capability(acting_user, SUPERVISE)
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
def urging_reply(*, notice: UrgingNotice, reply: str, acting_user: User) -> UrgingNotice:
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
    acting_user: User,
    participants: str = "",
) -> SupervisionEntry:
    """Record a meeting, visit or inquiry (会、访、问) against measures of the plan."""
    ensure_capability(acting_user, SUPERVISE)
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
