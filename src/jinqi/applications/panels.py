"""The applications panel of the enterprise's own page: its applications under way, a
correction (补正) asked for first."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, IntegerField, Value, When
from django.http import HttpRequest

from jinqi.applications import selectors
from jinqi.applications.enums import ApplicationState as S
from jinqi.applications.models import OPEN_STATES
from jinqi.applications.permissions import APPLY
from jinqi.core import clock
from jinqi.core.permissions import has_capability

SHOWN = 5


def my_applications_panel(request: HttpRequest) -> dict[str, Any] | None:
    if not has_capability(request.user, APPLY):
        return None
    applications = selectors.applications_visible_to(request.user).exclude(state=S.WITHDRAWN)
    shown = list(
        applications.annotate(
            returned=Case(
                When(state=S.RETURNED, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        ).order_by("returned", "-updated_at", "-pk")[:SHOWN]
    )
    returned = sum(a.state == S.RETURNED for a in shown)
    return {
        "applications": shown,
        "open": applications.filter(state__in=OPEN_STATES).count(),
        "returned_state": S.RETURNED,
        "today": clock.today(),
        "attention": returned > 0,
        "badge": returned,
    }
