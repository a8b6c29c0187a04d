"""Background delivery of the outbox."""

from __future__ import annotations

import datetime as dt
import logging

from django_tasks import task

from jinqi.core import clock
from jinqi.notifications.channels import send_email, sms_backend
from jinqi.notifications.enums import Channel, OutboxStatus
from jinqi.notifications.selectors import outbox_pending

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
# A notice e-mailed days late helps nobody; it stays in the inbox.
MAX_AGE = dt.timedelta(days=3)


@task()
def outbox_deliver() -> int:
    """Send every pending outbox message; failures are retried up to MAX_ATTEMPTS times."""
    sent = 0
    now = clock.now()
    for message in outbox_pending():
        if now - message.created_at > MAX_AGE:
            message.status = OutboxStatus.EXPIRED
            message.save(update_fields=["status"])
            continue
        message.attempts += 1
        try:
            if message.channel == Channel.EMAIL:
                send_email(message.address, message.subject, message.body)
            else:
                sms_backend().send(message.address, message.body)
        except OSError as error:  # SMTP and gateway failures surface as OSError subclasses
            logger.warning("outbox message %s failed: %s", message.pk, error)
            message.last_error = str(error)
            if message.attempts >= MAX_ATTEMPTS:
                message.status = OutboxStatus.FAILED
        else:
            message.status = OutboxStatus.SENT
            message.sent_at = clock.now()
            sent += 1
        message.save(update_fields=["attempts", "last_error", "status", "sent_at"])
    return sent
