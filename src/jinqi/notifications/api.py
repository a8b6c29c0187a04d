"""The inbox over the API."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from jinqi.core.permissions import AUTHENTICATED, declares, ensure_capability
from jinqi.notifications.models import Notification
from jinqi.notifications.selectors import notifications_for

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    link: str
    created_at: dt.datetime
    read_at: dt.datetime | None


@router.get("/", response=list[NotificationOut], openapi_extra=declares(AUTHENTICATED))
@paginate
def notifications_list(request: HttpRequest) -> list[Notification]:
    ensure_capability(request.user, AUTHENTICATED)  # a confined token (financing) is refused
    return notifications_for(request.user)  # type: ignore[return-value]  # paginate slices it
