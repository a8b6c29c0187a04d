"""What the credit app adds to the shared registries: subcommands, gates, the daily job, the
portal panel, menu entries and the upload kind of court rulings."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from jinqi.core.commandline import register_subcommand
from jinqi.core.gates import register_gate_checker
from jinqi.core.permissions import has_capability
from jinqi.core.schedule import PeriodicJob, register_periodic_job
from jinqi.core.uploads import UploadPurpose, register_purpose
from jinqi.credit import indicators, permissions, repair_registrations
from jinqi.credit.cli import REPAIR_DATE, TAX_LEVEL
from jinqi.credit.gates import credit_gates_check
from jinqi.credit.panels import my_credit_panel
from jinqi.credit.services import RULING_UPLOAD
from jinqi.credit.tasks import credit_records_take_down_task
from jinqi.web.navigation import DATA, NavEntry, register_nav
from jinqi.web.portal import PortalPanel, register_panel

RULING_TYPES = ("application/pdf", "image/jpeg", "image/png")


def register() -> None:
    indicators.register()
    register_subcommand("credit", REPAIR_DATE)
    register_subcommand("credit", TAX_LEVEL)
    register_gate_checker("credit", credit_gates_check)
    register_periodic_job(
        PeriodicJob(
            "credit.take_down",
            credit_records_take_down_task.enqueue,
            cron={"hour": 0, "minute": 20},
            run_at_start=True,
        )
    )
    register_panel(
        PortalPanel("credit", _("My credit"), "credit/portal/panel.html", my_credit_panel, order=35)
    )
    register_purpose(
        UploadPurpose(
            key=RULING_UPLOAD,
            allowed_types=RULING_TYPES,
            can_download=lambda user, _stored: has_capability(
                user, permissions.MANAGE_REORGANISATIONS
            ),
        )
    )
    # Staff find credit among the enterprise data (a dropdown when their menu is long).
    for name, label, capability, order, group in (
        ("credit:mine", _("My credit"), permissions.OWN_CREDIT, 32, DATA),
        ("credit:department", _("Credit records"), permissions.VIEW_DEPARTMENT, 37, DATA),
        ("credit:lead", _("Credit supervision"), permissions.OVERSEE, 37, DATA),
    ):
        register_nav(NavEntry(name, label, _holder_of(capability), order=order, group=group))
    repair_registrations.register()


def _holder_of(capability: str) -> Callable[[HttpRequest], bool]:
    return lambda request: has_capability(request.user, capability)
