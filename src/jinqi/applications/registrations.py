"""What the applications app contributes to the shared registries: upload kind, periodic job,
portal panel and menu entries."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from jinqi.applications import permissions
from jinqi.applications.panels import my_applications_panel
from jinqi.applications.selectors import may_download_material, todo_waiting
from jinqi.applications.services import MATERIAL_PURPOSE
from jinqi.applications.tasks import drafts_remind_stale_task
from jinqi.core.schedule import PeriodicJob, register_periodic_job
from jinqi.core.uploads import EVIDENCE_TYPES, UploadPurpose, register_purpose
from jinqi.web.navigation import PUBLIC, NavEntry, register_nav
from jinqi.web.portal import PortalPanel, register_panel
from jinqi.web.todo import TodoItem, register_todo


def register() -> None:
    register_purpose(
        UploadPurpose(
            MATERIAL_PURPOSE,
            EVIDENCE_TYPES,
            may_download_material,
            max_bytes=settings.APPLICATION_UPLOAD_MAX_BYTES,
        )
    )
    register_periodic_job(
        PeriodicJob(
            "applications.drafts_remind_stale",
            drafts_remind_stale_task.enqueue,
            cron={"hour": 9, "minute": 0},
        )
    )
    register_panel(
        PortalPanel(
            "applications",
            _("My applications"),
            "applications/portal/mine.html",
            my_applications_panel,
            order=25,
        )
    )
    register_nav(
        NavEntry(
            "applications:mine",
            _("My applications"),
            lambda r: permissions.has_capability(r.user, permissions.APPLY),
            order=27,
        )
    )
    register_nav(
        NavEntry(
            "applications:queue",
            _("Applications"),
            lambda r: permissions.has_capability(r.user, permissions.WORKBENCH),
            order=42,
        )
    )
    register_nav(
        NavEntry(
            "applications:publicity",
            _("Results publicity"),
            lambda r: True,
            order=55,
            group=PUBLIC,
        )
    )
    register_todo(
        TodoItem(
            "applications.waiting",
            _("Applications waiting for you"),
            "applications:queue",
            lambda r: todo_waiting(r.user),
            order=20,
        )
    )
