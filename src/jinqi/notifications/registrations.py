"""What the notifications app contributes to the shared registries: the outbox sweep, the inbox
menu entry and its portal panel."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from jinqi.core.schedule import PeriodicJob, register_periodic_job
from jinqi.notifications.panels import latest_notices
from jinqi.notifications.selectors import notifications_for
from jinqi.notifications.tasks import outbox_deliver
from jinqi.web.navigation import NavEntry, register_nav
from jinqi.web.portal import PortalPanel, register_panel


def register() -> None:
    # Delivery is enqueued after each commit; this catches anything left behind.
    register_periodic_job(
        PeriodicJob("notifications.outbox", outbox_deliver.enqueue, cron={"minute": "*/5"})
    )

    register_nav(
        NavEntry(
            "notifications:inbox",
            _("Inbox"),
            lambda r: r.user.is_authenticated,
            order=90,
            badge=_unread_count,
        )
    )
    register_panel(
        PortalPanel(
            "notifications",
            _("Latest notices"),
            "notifications/portal/latest.html",
            latest_notices,
            order=10,
        )
    )


def _unread_count(request: Any) -> int:
    return notifications_for(request.user).unread().count()
