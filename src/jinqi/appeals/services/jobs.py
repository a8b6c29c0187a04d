"""The periodic jobs: escalating overdue appeals to the lead office and asking, four weeks after
closing, whether the matter is really solved. Neither changes an appeal's state."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from jinqi.accounts.selectors import department_staff, enterprise_users, lead_office_users
from jinqi.accounts.services import system_user
from jinqi.appeals.enums import AppealState as S
from jinqi.appeals.enums import Overdue, Side
from jinqi.appeals.models import Appeal, Entry
from jinqi.appeals.workflow import WITH_DEPARTMENT
from jinqi.audit.enums import AuditAction
from jinqi.audit.services import audit_record
from jinqi.core import clock
from jinqi.notifications.services import notification_send

FOLLOW_UP_AFTER = dt.timedelta(weeks=4)


def appeals_escalate_overdue() -> int:
    """Escalate to the lead office every open appeal past its first-response or resolution
    limit, once per limit missed; the department and the lead office are told once."""
    today = clock.today()
    late_response = Q(state=S.SUBMITTED, responded_on__isnull=True, response_due__lt=today) & Q(
        escalated_for=""
    )
    late_resolution = Q(state__in=WITH_DEPARTMENT, resolution_due__lt=today) & ~Q(
        escalated_for=Overdue.RESOLUTION
    )
    escalated = 0
    for appeal in Appeal.objects.filter(late_response | late_resolution).select_related(
        "department"
    ):
        reason = Overdue.RESOLUTION if appeal.resolution_due < today else Overdue.RESPONSE
        with transaction.atomic():
            escalated += _escalate(appeal, reason)
    return escalated


def _escalate(appeal: Appeal, reason: Overdue) -> int:
    now = clock.now()
    # Guarded by the field itself, so two runs at once escalate (and notify) only once.
    updated = (
        Appeal.objects.filter(pk=appeal.pk, escalated_for=appeal.escalated_for)
        .exclude(escalated_for=reason)
        .update(escalated_at=now, escalated_for=reason, updated_at=now)
    )
    if not updated:
        return 0
    due = appeal.response_due if reason == Overdue.RESPONSE else appeal.resolution_due
    text = _("%(reason)s (due by %(day)s): escalated to the lead office.") % {
        "reason": Overdue(reason).label,
        "day": due.isoformat(),
    }
    system = system_user()
    entry = Entry.objects.create(
        appeal=appeal,
        action="escalate",
        side=Side.SYSTEM,
        department=appeal.department,
        actor=system,
        text=text,
        at=now,
    )
    audit_record(
        actor=system,
        action=AuditAction.UPDATE,
        target=appeal,
        before={"escalated_for": appeal.escalated_for},
        after={"escalated_for": str(reason)},
    )
    title = _("Appeal %(ref)s escalated: %(reason)s") % {
        "ref": appeal.reference,
        "reason": Overdue(reason).label,
    }
    recipients = [*department_staff(appeal.department), *lead_office_users()]
    notification_send(
        recipients=recipients,
        kind="appeals.escalated",
        title=title,
        body=f"{appeal.title}\n{text}",
        link=reverse("appeals:handle", args=[appeal.reference]),
        dedup_key=f"appeal-escalation:{entry.pk}",
    )
    return 1


def appeals_follow_up_due() -> int:
    """Four weeks after closing, ask the enterprise whether the matter is really solved."""
    cutoff = clock.now() - FOLLOW_UP_AFTER
    asked = 0
    for appeal in Appeal.objects.filter(
        state=S.CLOSED, closed_at__lte=cutoff, follow_up_sent_at__isnull=True
    ).select_related("enterprise"):
        with transaction.atomic():
            if not Appeal.objects.filter(pk=appeal.pk, follow_up_sent_at__isnull=True).update(
                follow_up_sent_at=clock.now()
            ):
                continue
            notification_send(
                recipients=enterprise_users([appeal.enterprise.uscc]),
                kind="appeals.follow_up",
                title=_("Is the matter of appeal %(ref)s really solved?")
                % {"ref": appeal.reference},
                body=_(
                    "Four weeks ago you closed “%(title)s”. One click tells us whether it is "
                    "really solved; if not, it goes back to the department."
                )
                % {"title": appeal.title},
                link=reverse("appeals:follow_up", args=[appeal.reference]),
                dedup_key=f"appeal-follow-up:{appeal.pk}",
            )
            asked += 1
    return asked
