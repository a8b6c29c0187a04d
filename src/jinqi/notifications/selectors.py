from __future__ import annotations

from typing import Any

from jinqi.notifications.models import Notification, NotificationQuerySet


def notifications_for(user: Any) -> NotificationQuerySet:
    return Notification.objects.filter(recipient=user)
