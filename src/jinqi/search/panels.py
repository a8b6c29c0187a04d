"""The search panel of the enterprise's own page: the search box and the saved searches."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from jinqi.core.permissions import has_capability
from jinqi.search.permissions import SAVE
from jinqi.search.selectors import saved_searches_of


def search_panel(request: HttpRequest) -> dict[str, Any] | None:
    if not has_capability(request.user, SAVE):
        return None
    return {"saved": list(saved_searches_of(request.user)[:10]), "request": request}
