"""Demo support: inboxes trimmed to a handful of unread notices; text messages filed, not
printed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.test import override_settings

from jinqi.accounts.tests.factories import UserFactory
from jinqi.core import clock
from jinqi.notifications.channels import FileSmsBackend
from jinqi.notifications.models import Notification
from jinqi.notifications.services import notification_send, notifications_keep_newest_unread

pytestmark = pytest.mark.django_db


def test_each_user_keeps_only_the_newest_unread_notices() -> None:
    """Of eight unread notices the three newest stay unread; another user's two are untouched."""
    busy, quiet = UserFactory(), UserFactory()
    for day in range(1, 9):
        with clock.frozen_at(dt.datetime(2026, 11, day, 9)):
            notification_send(recipients=[busy], kind="info", title=f"第{day}条")
    notification_send(recipients=[quiet], kind="info", title="甲")
    notification_send(recipients=[quiet], kind="info", title="乙")
    assert notifications_keep_newest_unread(keep=3) == 5
    unread = Notification.objects.filter(recipient=busy, read_at__isnull=True)
    assert sorted(unread.values_list("title", flat=True)) == ["第6条", "第7条", "第8条"]
    assert Notification.objects.filter(recipient=quiet, read_at__isnull=True).count() == 2


def test_the_file_sms_backend_appends_to_the_outbox_log(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The text lands in sms.log and nothing is printed."""
    with override_settings(OUTBOX_DIR=tmp_path / "outbox"):
        FileSmsBackend().send("13800000000", "您有一条待办")
    assert "您有一条待办" in (tmp_path / "outbox" / "sms.log").read_text(encoding="utf-8")
    assert capsys.readouterr().err == ""
