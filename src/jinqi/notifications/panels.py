"""The inbox's panel on the enterprise's own page: the unread count and the latest notices."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from jinqi.notifications.selectors import notifications_for

LATEST = 5


def latest_notices(request: HttpRequest) -> dict[str, Any] | None:
    notices = notifications_for(request.user)
    unread = notices.unread().count()
    return {"latest": list(notices[:LATEST]), "unread": unread, "badge": unread}
