"""Notices: the inbox and the outbox are written with the change that causes them; the outbox is
delivered later, retried, and given up on when failing or too old."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.db import transaction
from django.test import Client
from django.urls import reverse

from jinqi.accounts.models import User
from jinqi.accounts.tests.factories import UserFactory
from jinqi.core import clock
from jinqi.notifications.enums import Channel, OutboxStatus
from jinqi.notifications.models import Notification, OutboxMessage
from jinqi.notifications.services import notification_send
from jinqi.notifications.tasks import MAX_AGE, MAX_ATTEMPTS, outbox_deliver

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2022, 7, 15, 8, 0)


@pytest.fixture
def alice() -> User:
    return UserFactory(email="alice@example.org")


@pytest.fixture
def bob() -> User:
    return UserFactory(email="")


def send(recipients: list[User], **kwargs: Any) -> list[Notification]:
    values: dict[str, Any] = {"kind": "tests.notice", "title": "请报送进展", "body": "本月报告"}
    values.update(kwargs)
    return notification_send(recipients=recipients, **values)


def test_notice_fills_inboxes_and_queues_mail_for_those_with_an_address(
    alice: User, bob: User
) -> None:
    """Every active recipient gets an inbox row; only those with an e-mail address an outbox row;
    an inactive user gets nothing."""
    carol = UserFactory(email="carol@example.org", is_active=False)
    created = send([alice, bob, carol, alice])
    assert sorted(n.recipient.username for n in created) == sorted([alice.username, bob.username])
    assert not carol.notifications.exists()
    (message,) = OutboxMessage.objects.all()
    assert (message.channel, message.address, message.subject, message.body, message.status) == (
        Channel.EMAIL,
        "alice@example.org",
        "请报送进展",
        "本月报告",
        OutboxStatus.PENDING,
    )


def test_notice_is_rolled_back_with_the_callers_transaction(alice: User) -> None:
    """If the change that caused the notice fails, neither inbox nor outbox keeps a trace."""
    with pytest.raises(RuntimeError), transaction.atomic():
        send([alice])
        assert Notification.objects.count() == 1
        raise RuntimeError("the service failed after notifying")
    assert not Notification.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_delivery_starts_only_after_commit(
    alice: User, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    """The e-mail goes out once the transaction commits, not before."""
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        send([alice])
        assert mail.outbox == []
    assert len(callbacks) == 1
    assert [m.to for m in mail.outbox] == [["alice@example.org"]]
    assert OutboxMessage.objects.get().status == OutboxStatus.SENT


def test_dedup_key_prevents_repeats(alice: User, bob: User) -> None:
    """A notice with a key already in a recipient's inbox is not sent to them again."""
    assert len(send([alice], dedup_key="overdue:1:2")) == 1
    assert len(send([alice, bob], dedup_key="overdue:1:2")) == 1  # only bob is new
    assert alice.notifications.count() == 1
    assert OutboxMessage.objects.count() == 1
    assert len(send([alice], dedup_key="overdue:1:3")) == 1  # another key is another notice


def test_outbox_is_delivered_by_email(alice: User) -> None:
    """Pending messages are sent through Django's mail backend and marked sent."""
    with clock.frozen_at(NOW):
        send([alice], title="报告已审核", body="评价：良好")
        assert outbox_deliver.call() == 1
        message = OutboxMessage.objects.get()
        assert (message.status, message.attempts, message.sent_at) == (
            OutboxStatus.SENT,
            1,
            clock.now(),
        )
    (email,) = mail.outbox
    assert (email.to, email.subject, email.body) == (
        ["alice@example.org"],
        "报告已审核",
        "评价：良好",
    )
    assert outbox_deliver.call() == 0  # nothing pending: nothing sent twice
    assert len(mail.outbox) == 1


def test_failing_delivery_is_retried_then_failed(
    alice: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An SMTP error leaves the message pending with the error, until MAX_ATTEMPTS tries fail."""

    def broken(address: str, subject: str, body: str) -> None:
        raise ConnectionRefusedError("SMTP server unreachable")

    monkeypatch.setattr("jinqi.notifications.tasks.send_email", broken)
    with clock.frozen_at(NOW):
        send([alice])
        for attempt in range(1, MAX_ATTEMPTS):
            assert outbox_deliver.call() == 0
            message = OutboxMessage.objects.get()
            assert (message.status, message.attempts) == (OutboxStatus.PENDING, attempt)
            assert message.last_error == "SMTP server unreachable"
        outbox_deliver.call()
        outbox_deliver.call()  # a failed message is not tried again
    message = OutboxMessage.objects.get()
    assert (message.status, message.attempts, message.sent_at) == (
        OutboxStatus.FAILED,
        MAX_ATTEMPTS,
        None,
    )
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("age", "status"),
    [(MAX_AGE, OutboxStatus.SENT), (MAX_AGE + dt.timedelta(seconds=1), OutboxStatus.EXPIRED)],
    ids=["at-max-age", "older"],
)
def test_messages_older_than_max_age_expire(alice: User, age: dt.timedelta, status: str) -> None:
    """A message still pending after MAX_AGE is not sent late; it stays in the inbox only."""
    with clock.frozen_at(NOW):
        send([alice])
    with clock.frozen_at(NOW + age):
        outbox_deliver.call()
    assert OutboxMessage.objects.get().status == status
    assert len(mail.outbox) == (1 if status == OutboxStatus.SENT else 0)
    assert alice.notifications.count() == 1


def test_inbox_lists_own_notices_and_marks_them_read(
    client: Client, alice: User, bob: User
) -> None:
    """The inbox shows the user's notices, not others'; opening one marks it read and follows
    its link; 'mark all' reads the rest."""
    with clock.frozen_at(NOW):
        (mine,) = send([alice], title="催办通知", link="/plans/urgings/1/")
        send([alice], title="第二条通知")
        send([bob], title="别人的通知")
    client.force_login(alice)

    page = client.get(reverse("notifications:inbox")).content.decode()
    assert "催办通知" in page and "第二条通知" in page
    assert "别人的通知" not in page

    response = client.post(reverse("notifications:open", args=[mine.pk]))
    assert (response.status_code, response["Location"]) == (302, "/plans/urgings/1/")
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert alice.notifications.unread().count() == 1

    client.post(reverse("notifications:read_all"))
    assert alice.notifications.unread().count() == 0
    assert bob.notifications.unread().count() == 1


def test_another_users_notice_is_404(client: Client, alice: User, bob: User) -> None:
    """Opening someone else's notice is a 404 and leaves it unread."""
    (theirs,) = send([bob])
    client.force_login(alice)
    assert client.post(reverse("notifications:open", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
