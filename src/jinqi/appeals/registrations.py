"""What the appeals app contributes to the shared registries: upload kind, periodic jobs,
indicators, portal panel and menu entries."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jinqi.appeals import permissions, statistics
from jinqi.appeals.panels import portal_context
from jinqi.appeals.selectors import (
    attachment_download_allowed,
    escalated,
    todo_escalated,
    todo_near_deadline,
)
from jinqi.appeals.services import ATTACHMENT_PURPOSE
from jinqi.appeals.tasks import appeals_escalate_overdue_task, appeals_follow_up_due_task
from jinqi.core.schedule import PeriodicJob, register_periodic_job
from jinqi.core.uploads import EVIDENCE_TYPES, UploadPurpose, register_purpose
from jinqi.web.navigation import SERVICE, NavEntry, register_nav
from jinqi.web.portal import PortalPanel, register_panel
from jinqi.web.todo import TodoItem, register_todo


def register() -> None:
    register_purpose(UploadPurpose(ATTACHMENT_PURPOSE, EVIDENCE_TYPES, attachment_download_allowed))
    # Limits are counted in whole working days, so once a day is enough; early, so the
    # lead office finds the day's escalations when it starts work.
    register_periodic_job(
        PeriodicJob(
            "appeals.escalate_overdue",
            appeals_escalate_overdue_task.enqueue,
            cron={"hour": 7, "minute": 30},
            run_at_start=True,
        )
    )
    register_periodic_job(
        PeriodicJob(
            "appeals.follow_up_due",
            appeals_follow_up_due_task.enqueue,
            cron={"hour": 9, "minute": 30},
        )
    )
    statistics.register()
    register_panel(
        PortalPanel("appeals", _("My appeals"), "appeals/_portal.html", portal_context, order=40)
    )
    register_nav(
        NavEntry(
            "appeals:mine",
            _("My appeals"),
            lambda r: permissions.has_capability(r.user, permissions.FILE),
            order=28,
        )
    )
    register_nav(
        NavEntry(
            "appeals:queue",
            _("Appeals"),
            lambda r: permissions.has_capability(r.user, permissions.WORK),
            order=43,
            group=SERVICE,
            badge=lambda r: escalated(r.user).count(),
        )
    )
    register_todo(
        TodoItem(
            "appeals.near_deadline",
            _("Appeals near or past their deadline"),
            "appeals:queue",
            lambda r: todo_near_deadline(r.user),
            order=30,
        )
    )
    register_todo(
        TodoItem(
            "appeals.escalated",
            _("Escalated appeals"),
            "appeals:queue",
            lambda r: todo_escalated(r.user),
            order=30,
            query="escalated=on",
        )
    )
