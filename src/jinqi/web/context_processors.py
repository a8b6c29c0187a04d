"""Navigation for the base template, contributed by feature apps through the registry."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from jinqi.web.navigation import menu_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    return {"nav_items": menu_for(request)}
