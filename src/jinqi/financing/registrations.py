"""What financing adds to the shared registries: indicators, the daily escalation, the portal
panel and menu entries."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from jinqi.core.permissions import has_capability
from jinqi.core.schedule import PeriodicJob, register_periodic_job
from jinqi.financing import permissions, statistics
from jinqi.financing.enums import RequestState
from jinqi.financing.models import FinancingRequest
from jinqi.financing.tasks import requests_escalate_task
from jinqi.web.navigation import DATA, SERVICE, NavEntry, register_nav
from jinqi.web.portal import PortalPanel, register_panel

SHOWN = 5


def register() -> None:
    statistics.register()
    register_periodic_job(
        PeriodicJob(
            "financing.requests_escalate",
            requests_escalate_task.enqueue,
            cron={"hour": 0, "minute": 40},
            run_at_start=True,
        )
    )
    register_panel(
        PortalPanel(
            "financing", _("Financing"), "financing/portal/panel.html", _my_financing, order=40
        )
    )
    # Staff find financing among the enterprise data (a dropdown when their menu is long).
    for name, label, capability, order, group in (
        ("financing:mine", _("Financing"), permissions.REQUEST, 34, SERVICE),
        ("financing:institution", _("Financing requests"), permissions.WORK, 10, ""),
        ("financing:consents_received", _("Data consents"), permissions.WORK, 11, ""),
        ("financing:oversight", _("Financing"), permissions.OVERSEE, 38, DATA),
    ):
        register_nav(NavEntry(name, label, _holder_of(capability), order=order, group=group))


def _holder_of(capability: str) -> Callable[[HttpRequest], bool]:
    return lambda request: has_capability(request.user, capability)


def _my_financing(request: HttpRequest) -> dict[str, Any] | None:
    if not has_capability(request.user, permissions.REQUEST):
        return None
    # By the user's code, joined: one query for the panel (the page's budget counts it).
    requests = list(
        FinancingRequest.objects.filter(
            enterprise__uscc=request.user.enterprise_uscc  # type: ignore[union-attr]
        ).select_related("institution")[:SHOWN]
    )
    asked = sum(1 for r in requests if r.state == RequestState.ASKED)
    return {"requests": requests, "attention": bool(asked), "badge": asked or None}
