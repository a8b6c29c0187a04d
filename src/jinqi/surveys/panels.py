"""The surveys panel of the enterprise's own page: surveys waiting for its answer."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from jinqi.core import clock
from jinqi.surveys import selectors


def surveys_waiting_panel(request: HttpRequest) -> dict[str, Any] | None:
    waiting = list(selectors.surveys_waiting(request.user, clock.today())[:5])
    if not waiting:
        return None  # nothing to answer: the panel stays out of the way
    return {"waiting": waiting, "attention": True, "badge": len(waiting)}
