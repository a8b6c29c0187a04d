"""API tokens are created, revoked and expired through audited services, and an expired token
is refused by the API with the documented 401."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from jinqi.accounts.models import ApiToken
from jinqi.accounts.services import (
    api_token_create,
    api_token_revoke,
    api_tokens_expire,
    system_user,
)
from jinqi.accounts.tasks import api_tokens_expire_task
from jinqi.accounts.tests.factories import UserFactory, department_user
from jinqi.audit.enums import AuditAction
from jinqi.audit.models import AuditEvent
from jinqi.core import clock
from jinqi.core.errors import DomainError

pytestmark = pytest.mark.django_db

START = dt.datetime(2022, 7, 1, 2, 0, tzinfo=dt.UTC)
URL = "/api/v1/notifications/"


def _token_events(token: ApiToken) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            object_type="accounts.apitoken", object_id=str(token.pk)
        ).order_by("id")
    )


def _call(key: str) -> int:
    return Client().get(URL, headers={"authorization": f"Bearer {key}"}).status_code


def test_creation_is_audited_with_the_expiry_and_without_the_key() -> None:
    """The audit row names who made the token, for whom, with which expiry; no key or hash."""
    admin = UserFactory(system_admin=True)
    expires = START + dt.timedelta(days=7)
    with clock.frozen_at(START):
        token, key = api_token_create(
            user=department_user(), name="对接", expires_at=expires, acting_user=admin
        )
    (event,) = _token_events(token)
    assert (event.actor, event.action) == (admin, AuditAction.CREATE)
    assert event.changes["expires_at"]["new"] == str(expires)
    assert key not in str(event.changes) and token.key_hash not in str(event.changes)


def test_an_expiry_in_the_past_is_refused_and_nothing_is_made() -> None:
    """A token born expired is refused with a message; no token and no audit row exist."""
    with clock.frozen_at(START), pytest.raises(DomainError, match="有效期必须晚于现在"):
        api_token_create(
            user=department_user(),
            name="过期",
            expires_at=START - dt.timedelta(minutes=1),
            acting_user=system_user(),
        )
    assert not ApiToken.objects.exists()
    assert not AuditEvent.objects.filter(object_type="accounts.apitoken").exists()


def test_an_expired_token_gets_401_in_the_api_format() -> None:
    """Before its expiry the token works; from then on the API answers 401 with its JSON error."""
    with clock.frozen_at(START):
        _token, key = api_token_create(
            user=department_user(),
            name="对接",
            expires_at=START + dt.timedelta(days=1),
            acting_user=system_user(),
        )
        assert _call(key) == 200
    with clock.frozen_at(START + dt.timedelta(days=1, seconds=1)):
        response = Client().get(URL, headers={"authorization": f"Bearer {key}"})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


def test_revoking_is_audited_once_and_the_token_is_refused() -> None:
    """A revoked token gets 401; revoking it again writes no second row."""
    admin = UserFactory(system_admin=True)
    token, key = api_token_create(user=department_user(), name="对接", acting_user=admin)
    api_token_revoke(token=token, acting_user=admin)
    api_token_revoke(token=token, acting_user=admin)
    assert _call(key) == 401
    events = _token_events(token)
    assert [e.changes.get("note") for e in events] == [None, "revoked"]
    assert events[1].actor == admin


def test_the_daily_job_records_each_expiry_once() -> None:
    """Tokens past their expiry are recorded once, by the system account; live and revoked
    tokens are left alone."""
    with clock.frozen_at(START):
        made = {
            name: api_token_create(
                user=department_user(),
                name=name,
                expires_at=START + dt.timedelta(days=days) if days else None,
                acting_user=system_user(),
            )[0]
            for name, days in (("过期", 1), ("长期", 0), ("未到期", 30), ("已吊销", 1))
        }
        api_token_revoke(token=made["已吊销"], acting_user=system_user())
    with clock.frozen_at(START + dt.timedelta(days=2)):
        assert api_tokens_expire_task.enqueue().return_value == 1
        assert api_tokens_expire(acting_user=system_user()) == 0
    expired = ApiToken.objects.get(name="过期")
    assert expired.expired_at == START + dt.timedelta(days=2)
    notes = [e.changes.get("note") for e in _token_events(expired)]
    assert notes == [None, "expired"]
    assert ApiToken.objects.filter(expired_at__isnull=False).count() == 1
