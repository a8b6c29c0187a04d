"""The audit trail keeps, for each change, only what changed, with its old and new values."""

from __future__ import annotations

import datetime as dt

import pytest

from jinqi.accounts.models import Department
from jinqi.accounts.tests.factories import UserFactory
from jinqi.audit.enums import AuditAction
from jinqi.audit.models import AuditEvent
from jinqi.audit.services import audit_record, snapshot
from jinqi.core import clock

pytestmark = pytest.mark.django_db


@pytest.fixture
def department() -> Department:
    return Department.objects.get(code="finance")


def test_only_changed_keys_are_kept_with_old_and_new(department: Department) -> None:
    """Unchanged keys are dropped; changed, added and removed keys keep both values."""
    actor = UserFactory()
    moment = dt.datetime(2022, 7, 15, 2, 0, tzinfo=dt.UTC)
    with clock.frozen_at(moment):
        event = audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            target=department,
            before={"name": "区财政局", "email": "", "sort_order": 3, "gone": "x"},
            after={"name": "区财政局", "email": "cz@example.org", "sort_order": 4},
        )
    event.refresh_from_db()
    assert event.changes == {
        "email": {"old": "", "new": "cz@example.org"},
        "gone": {"old": "x", "new": None},
        "sort_order": {"old": 3, "new": 4},
    }
    assert (event.actor, event.action, event.at) == (actor, AuditAction.UPDATE, moment)
    assert (event.object_type, event.object_id, event.object_repr) == (
        "accounts.department",
        str(department.pk),
        "区财政局",
    )


def test_creation_records_every_value_as_new(department: Department) -> None:
    """With no 'before', every key of 'after' is a change from nothing; a note is kept as is."""
    event = audit_record(
        actor=None,
        action=AuditAction.CREATE,
        target=department,
        after={"code": "finance", "kind": "bureau"},
        note="seeded",
    )
    assert event.changes == {
        "code": {"old": None, "new": "finance"},
        "kind": {"old": None, "new": "bureau"},
        "note": "seeded",
    }
    assert event.actor is None


def test_nothing_changed_leaves_no_changes(department: Department) -> None:
    """Identical snapshots give an event with an empty change set."""
    before = snapshot(department, ["name", "kind"])
    event = audit_record(
        actor=UserFactory(),
        action=AuditAction.UPDATE,
        target=department,
        before=before,
        after=dict(before),
    )
    assert event.changes == {}
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_unsaved_actor_is_recorded_as_none(department: Department) -> None:
    """An actor without a primary key (e.g. an anonymous user) is recorded as no one."""
    event = audit_record(actor=object(), action=AuditAction.READ_PERSONAL_DATA, target=department)
    assert event.actor is None


def test_snapshot_stores_json_friendly_values() -> None:
    """Dates become ISO text and foreign keys their ids, so the change set is valid JSON."""
    user = UserFactory(department=Department.objects.get(code="economy"), role="department")
    user.last_login = dt.datetime(2022, 7, 15, 2, 0, tzinfo=dt.UTC)
    values = snapshot(user, ["department", "department_id", "last_login", "username"])
    assert values == {
        "department": user.department_id,
        "department_id": user.department_id,
        "last_login": "2022-07-15 02:00:00+00:00",
        "username": user.username,
    }
