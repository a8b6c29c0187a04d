"""What the plans app contributes to the shared registries: menu entries and upload kinds."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jinqi.core.schedule import PeriodicJob, register_periodic_job
from jinqi.core.uploads import EVIDENCE_TYPES, UploadPurpose, register_purpose
from jinqi.plans import indicators, permissions, selectors
from jinqi.plans.tasks import plan_alerts_send
from jinqi.web.navigation import PUBLIC, NavEntry, register_nav
from jinqi.web.todo import TodoItem, register_todo


def register() -> None:
    indicators.register()
    register_periodic_job(
        PeriodicJob(
            "plans.alerts",
            plan_alerts_send.enqueue,
            cron={"hour": 8, "minute": 0},
            run_at_start=True,
        )
    )
    register_purpose(
        UploadPurpose(
            key="plans.evidence",
            allowed_types=EVIDENCE_TYPES,
            can_download=selectors.can_download_evidence,
        )
    )
    register_nav(
        NavEntry(
            "plans:public_progress", _("Plan progress"), lambda r: True, order=10, group=PUBLIC
        )
    )
    register_nav(
        NavEntry(
            "plans:dashboard",
            _("Supervision console"),
            lambda r: permissions.can_supervise(r.user),
            order=20,
        )
    )
    register_nav(
        NavEntry(
            "plans:my_measures",
            _("My measures"),
            lambda r: permissions.can_report(r.user),
            order=20,
        )
    )
    for item in (
        TodoItem(
            "plans.review",
            _("Progress reports to review"),
            "plans:review_queue",
            lambda r: selectors.todo_reports_to_review(r.user),
            order=10,
        ),
        TodoItem(
            "plans.unreported",
            _("Measures not yet reported this month"),
            "plans:my_measures",
            lambda r: selectors.todo_measures_unreported(r.user),
            order=10,
        ),
        TodoItem(
            "plans.returned",
            _("Reports returned for rework"),
            "plans:my_measures",
            lambda r: selectors.todo_reports_returned(r.user),
            order=11,
        ),
        TodoItem(
            "plans.urgings",
            _("Urging notices to answer"),
            "plans:my_measures",
            lambda r: selectors.todo_urgings(r.user),
            order=12,
        ),
    ):
        register_todo(item)
