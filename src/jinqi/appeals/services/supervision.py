"""The lead office's supervision: urging a department (督办) and the routing table that sends each
category of appeal to a department under a regime of time limits."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from jinqi.accounts.models import Department, User
from jinqi.accounts.selectors import department_staff
from jinqi.appeals.enums import Side
from jinqi.appeals.models import Appeal, Category, DeadlineRegime, Entry
from jinqi.appeals.permissions import SUPERVISE
from jinqi.appeals.services.inputs import checked_text
from jinqi.audit.enums import AuditAction
from jinqi.audit.services import audit_record, snapshot
from jinqi.core import clock
from jinqi.core.errors import DomainError, PermissionDenied
from jinqi.core.permissions import has_capability
from jinqi.notifications.services import notification_send


@transaction.atomic
def appeal_urge(*, appeal: Appeal, text: str, acting_user: User) -> Entry:
    """督办: the lead office presses the department; no state change."""
    if not has_capability(acting_user, SUPERVISE):
        raise PermissionDenied(_("Only the lead office can urge a department."))
    if not appeal.is_open:
        raise DomainError(_("The appeal is no longer open."))
    text = checked_text(text, what=_("message"))
    entry = Entry.objects.create(
        appeal=appeal,
        action="urge",
        side=Side.LEAD_OFFICE,
        department=appeal.department,
        actor=acting_user,
        text=text,
        at=clock.now(),
    )
    audit_record(actor=acting_user, action=AuditAction.UPDATE, target=appeal, note=text[:300])
    notification_send(
        recipients=department_staff(appeal.department),
        kind="appeals.urged",
        title=_("The lead office urges appeal %(ref)s") % {"ref": appeal.reference},
        body=text,
        link=reverse("appeals:handle", args=[appeal.reference]),
        dedup_key=f"appeal-urge:{entry.pk}",
    )
    return entry


@transaction.atomic
def category_save(
    *,
    category: Category,
    department: Department,
    regime: DeadlineRegime,
    is_active: bool,
    acting_user: User,
) -> Category:
    """One row of the routing table; appeals already filed stay where they are."""
    if not has_capability(acting_user, SUPERVISE):
        raise PermissionDenied(_("Only the lead office edits the routing table."))
    if department.kind == "group":
        raise DomainError(
            _("%(category)s: choose one department, not a group of units.")
            % {"category": category.name}
        )
    before = snapshot(category, ["department_id", "regime_id", "is_active"])
    category.department, category.regime, category.is_active = department, regime, is_active
    category.save(update_fields=["department", "regime", "is_active"])
    audit_record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        target=category,
        before=before,
        after=snapshot(category, ["department_id", "regime_id", "is_active"]),
    )
    return category
