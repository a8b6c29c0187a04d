"""What the visit half of the inspections app adds to the shared registries: its capabilities,
the live indicators, the enterprise's ledger panel, menu entries and to-do counts (called from
`InspectionsConfig.ready`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from jinqi.core.permissions import has_capability
from jinqi.inspections import visit_statistics
from jinqi.inspections.enums import RectificationState, VisitState
from jinqi.inspections.models import Rectification
from jinqi.inspections.visit_permissions import OVERSEE_VISITS, OWN_INSPECTIONS, WORK_VISITS
from jinqi.inspections.visit_selectors import visit_sheet, visits_visible_to
from jinqi.inspections.visits import visits_over_cap
from jinqi.web.navigation import DATA, NavEntry, register_nav
from jinqi.web.portal import PortalPanel, register_panel
from jinqi.web.todo import TodoItem, register_todo

SHOWN = 5
WAITING = (RectificationState.OPEN, RectificationState.FAILED)


def ledger_panel(request: HttpRequest) -> dict[str, Any] | None:
    if not has_capability(request.user, OWN_INSPECTIONS):
        return None
    visits = visits_visible_to(request.user).exclude(state=VisitState.CANCELLED)[:SHOWN]
    rows: list[dict[str, Any]] = []
    for visit in visits:
        sheet = visit_sheet(visit)
        rows.append(
            {
                "visit": visit,
                "departments": sheet.departments,
                "open": sum(
                    1
                    for r in sheet.findings
                    if r.rectification and r.rectification.state in WAITING
                ),
            }
        )
    waiting = sum(int(row["open"]) for row in rows)
    return {"rows": rows, "attention": bool(waiting), "badge": waiting or None}


def rechecks_waiting(request: HttpRequest) -> int | None:
    """Rectifications reported done that the user's department must re-check."""
    if not has_capability(request.user, WORK_VISITS):
        return None
    return Rectification.objects.filter(
        state=RectificationState.REPORTED,
        finding__item__department=request.user.department,  # type: ignore[union-attr]  # staff
    ).count()


def over_cap_waiting(request: HttpRequest) -> int | None:
    if not has_capability(request.user, OVERSEE_VISITS):
        return None
    return visits_over_cap().count()


def _holder_of(capability: str) -> Callable[[HttpRequest], bool]:
    return lambda request: has_capability(request.user, capability)


def register() -> None:
    visit_statistics.register()
    register_panel(
        PortalPanel(
            "inspections",
            _("My inspections"),
            "inspections/visits/portal/panel.html",
            ledger_panel,
            order=30,
        )
    )
    register_nav(
        NavEntry(
            "inspection_visits:ledger",
            _("My inspections"),
            _holder_of(OWN_INSPECTIONS),
            33,
            group=DATA,
        )
    )
    register_nav(
        NavEntry(
            "inspection_visits:list",
            _("Inspection visits"),
            lambda r: _holder_of(WORK_VISITS)(r) or _holder_of(OVERSEE_VISITS)(r),
            order=39,
            group=DATA,  # beside the enterprise data, so the staff menu fits one line
        )
    )
    register_todo(
        TodoItem(
            "inspections.rechecks",
            _("Rectifications to re-check"),
            "inspection_visits:list",
            rechecks_waiting,
            order=35,
        )
    )
    register_todo(
        TodoItem(
            "inspections.over_cap",
            _("Visits over an enterprise's yearly cap"),
            "inspection_visits:statistics",
            over_cap_waiting,
            order=35,
        )
    )
