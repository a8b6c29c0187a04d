"""What the plans app contributes to the shared registries: menu entries and upload kinds."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jinqi.core.demo import DemoStep, register_demo_step
from jinqi.core.schedule import PeriodicJob, register_periodic_job
from jinqi.core.uploads import EVIDENCE_TYPES, UploadPurpose, register_purpose
from jinqi.plans import indicators, permissions
from jinqi.plans.demo import demo_plan_load
from jinqi.plans.tasks import plan_alerts_send
from jinqi.web.navigation import NavEntry, register_nav


def register() -> None:
    indicators.register()
    register_demo_step(DemoStep("plans", 50, demo_plan_load))
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
            can_download=permissions.can_download_evidence,
        )
    )
    register_nav(NavEntry("plans:public_progress", _("Plan progress"), lambda r: True, order=10))
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
