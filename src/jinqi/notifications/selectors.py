from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from jinqi.notifications.models import Notification


def notifications_for(user: Any) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user)
