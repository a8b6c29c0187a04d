"""The database itself refuses to change or delete audit rows. The suite runs on SQLite and on
PostgreSQL, so each test proves its vendor's trigger (audit/migrations/0003)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import DatabaseError, connection, transaction

from jinqi.accounts.models import Department
from jinqi.accounts.tests.factories import UserFactory
from jinqi.audit.enums import AuditAction
from jinqi.audit.models import AuditEvent
from jinqi.audit.services import audit_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def event() -> AuditEvent:
    return audit_record(
        actor=UserFactory(),
        action=AuditAction.UPDATE,
        target=Department.objects.get(code="finance"),
        after={"name": "区财政局"},
    )


def _refused(statement: Callable[[], object]) -> None:
    with (
        pytest.raises(DatabaseError, match="the audit trail cannot be changed"),
        transaction.atomic(),
    ):
        statement()


def test_update_through_the_orm_is_refused(event: AuditEvent) -> None:
    """Saving a changed row, or a queryset update, is refused and the row stays as written."""
    event.object_repr = "篡改"
    _refused(event.save)
    _refused(lambda: AuditEvent.objects.filter(pk=event.pk).update(object_repr="篡改"))
    assert AuditEvent.objects.get(pk=event.pk).object_repr == "区财政局"


def test_delete_through_the_orm_is_refused(event: AuditEvent) -> None:
    """Deleting a row or a queryset is refused and the row is still there."""
    _refused(event.delete)
    _refused(lambda: AuditEvent.objects.all().delete())
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_raw_sql_update_and_delete_are_refused(event: AuditEvent) -> None:
    """Plain SQL, bypassing Django, meets the same refusal."""
    with connection.cursor() as cursor:
        _refused(
            lambda: cursor.execute(
                "UPDATE audit_auditevent SET object_repr = %s WHERE id = %s", ["篡改", event.pk]
            )
        )
        _refused(lambda: cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk]))
    assert AuditEvent.objects.get(pk=event.pk).object_repr == "区财政局"


def test_insert_still_works(event: AuditEvent) -> None:
    """Recording goes on: a new row is written next to the protected one."""
    before = AuditEvent.objects.count()
    audit_record(
        actor=None,
        action=AuditAction.CREATE,
        target=Department.objects.get(code="tax-jinshan"),
    )
    assert AuditEvent.objects.count() == before + 1
