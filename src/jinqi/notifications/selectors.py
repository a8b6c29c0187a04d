from __future__ import annotations

from typing import Any

from jinqi.notifications.enums import OutboxStatus
from jinqi.notifications.models import Notification, NotificationQuerySet, OutboxMessage


def notifications_for(user: Any) -> NotificationQuerySet:
    return Notification.objects.filter(recipient=user)


def outbox_pending() -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(status=OutboxStatus.PENDING)[:200])
