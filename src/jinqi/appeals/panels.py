"""The appeals panel of the enterprise's own page (企业专属网页)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from jinqi.appeals.permissions import FILE
from jinqi.appeals.selectors import open_appeals_of
from jinqi.core.permissions import has_capability


def portal_context(request: HttpRequest) -> dict[str, Any] | None:
    """Hidden for anyone who cannot file appeals; otherwise the open ones and the way to file."""
    if not has_capability(request.user, FILE):
        return None
    return {"appeals": open_appeals_of(request.user)}
