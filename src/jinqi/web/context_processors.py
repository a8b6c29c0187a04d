"""What every page's frame shows: the menu (contributed by feature apps through the registry)
and the footer's host organisation (settings.JINQI_HOST)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from jinqi.web.navigation import menu_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    return {"nav_items": menu_for(request)}


def site_host(request: HttpRequest) -> dict[str, Any]:
    return {"site_host": settings.JINQI_HOST}
