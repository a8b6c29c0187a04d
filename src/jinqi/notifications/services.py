"""Writing notices: inbox rows and outbox rows in the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction

from jinqi.core import clock
from jinqi.notifications.enums import Channel
from jinqi.notifications.models import Notification, OutboxMessage
from jinqi.notifications.tasks import outbox_deliver


def notification_send(
    *,
    recipients: Iterable[Any],
    kind: str,
    title: str,
    body: str = "",
    link: str = "",
    dedup_key: str = "",
) -> list[Notification]:
    """Put a notice in each recipient's inbox and queue an e-mail to those with an address.

    With a `dedup_key`, a recipient who already has that notice gets nothing new.
    """
    created: list[Notification] = []
    now = clock.now()
    for user in {u.pk: u for u in recipients if u.is_active}.values():
        if dedup_key and Notification.objects.filter(recipient=user, dedup_key=dedup_key).exists():
            continue
        try:
            with transaction.atomic():
                created.append(
                    Notification.objects.create(
                        recipient=user,
                        kind=kind,
                        title=title[:200],
                        body=body,
                        link=link,
                        dedup_key=dedup_key,
                        created_at=now,
                    )
                )
        except IntegrityError:
            continue  # a concurrent run created the same notice first
        if user.email:
            OutboxMessage.objects.create(
                channel=Channel.EMAIL,
                address=user.email,
                subject=title[:200],
                body=body,
                created_at=now,
            )
    if created:
        _deliver_after_commit()
    return created


def _deliver_after_commit() -> None:
    """Queue the outbox delivery once the transaction commits, once per transaction: the task
    sends every pending message, so a survey sent to 1,400 recipients queues one, not 1,400.
    A delivery already waiting for this commit suffices: a rollback that dropped it (of a
    savepoint still open) would drop this transaction's messages with it."""
    pending = transaction.get_connection().run_on_commit
    if any(hook is _enqueue_delivery for _, hook, _ in pending):
        return
    transaction.on_commit(_enqueue_delivery)


def _enqueue_delivery() -> None:
    outbox_deliver.enqueue()


def notification_mark_read(*, notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = clock.now()
        notification.save(update_fields=["read_at"])


_BATCH = 500  # ids per UPDATE: SQLite allows a limited number of parameters


def notifications_mark_all_read(*, user: Any) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=clock.now()
    )


def notifications_keep_newest_unread(*, keep: int) -> int:
    """Mark every unread notice read except each recipient's `keep` newest (a demo's years of
    simulated notices must not greet a user as hundreds of unread ones). Returns how many.
    One read of the unread notices, newest first, and one update per batch: a query per
    recipient cost seconds once a survey had reached a thousand enterprises."""
    seen: dict[int, int] = {}
    older: list[int] = []
    unread = Notification.objects.filter(read_at__isnull=True)
    for pk, recipient_id in unread.values_list("pk", "recipient_id"):  # newest first (Meta)
        seen[recipient_id] = seen.get(recipient_id, 0) + 1
        if seen[recipient_id] > keep:
            older.append(pk)
    now = clock.now()
    for start in range(0, len(older), _BATCH):
        Notification.objects.filter(pk__in=older[start : start + _BATCH]).update(read_at=now)
    return len(older)


def sms_send(*, phone: str, text: str) -> OutboxMessage:
    """Queue a text message through the SMS channel (the console backend unless configured)."""
    message = OutboxMessage.objects.create(
        channel=Channel.SMS,
        address=phone[:200],
        subject=text[:200],
        body=text,
        created_at=clock.now(),
    )
    _deliver_after_commit()
    return message
