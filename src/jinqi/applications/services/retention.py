"""Retention of drafts: their owners are reminded; nothing is deleted automatically."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from jinqi.accounts.selectors import enterprise_users
from jinqi.applications.enums import ApplicationState as S
from jinqi.applications.models import Application
from jinqi.core import clock
from jinqi.notifications.services import notification_send

STALE_AFTER = dt.timedelta(days=30)


def drafts_remind_stale() -> int:
    """Remind the owners of drafts untouched for a month. Nothing is ever deleted
    automatically: a draft stays until its enterprise submits or withdraws it."""
    cutoff = clock.now() - STALE_AFTER
    reminded = 0
    for application in Application.objects.filter(
        state=S.DRAFT, updated_at__lt=cutoff
    ).select_related("policy", "enterprise"):
        sent = notification_send(
            recipients=enterprise_users([application.enterprise.uscc]),
            kind="applications.draft_kept",
            title=_("Your draft application %(ref)s for %(policy)s is kept")
            % {"ref": application.reference, "policy": application.policy.title},
            body=_("It has not changed for a month. It stays until you submit or withdraw it."),
            link=reverse("applications:detail", args=[application.reference]),
            dedup_key=f"draft-stale:{application.pk}:{application.updated_at:%Y%m%d}",
        )
        reminded += bool(sent)
    return reminded
