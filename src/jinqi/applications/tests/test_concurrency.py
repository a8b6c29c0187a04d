"""Two reviewers acting on the same application at the same moment, in real transactions on
separate connections: exactly one wins, the other is told, nothing is overwritten."""

from __future__ import annotations

import threading
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from jinqi.applications.enums import ApplicationState
from jinqi.applications.models import Application
from jinqi.applications.services import application_accept, application_reject
from jinqi.applications.tests.factories import (
    applicant,
    applicant_enterprise,
    applying_policy,
    staff,
    submitted,
)
from jinqi.core.errors import ConflictError


# PostgreSQL: the SQLite test database is in memory with a shared cache, which locks whole tables
# and answers "table is locked" instead of waiting; the deployed SQLite file waits (busy timeout).
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_decisions_one_wins_the_other_gets_a_conflict() -> None:
    owner, colleague = staff(), staff()
    item = applying_policy(owner, grant_amount="10")
    application = submitted(item, applicant(applicant_enterprise()))
    seen = application.lock_version
    barrier = threading.Barrier(2)
    outcomes: dict[str, Any] = {}

    def act(name: str, action: Any, **extra: Any) -> None:
        try:
            copy = Application.objects.get(pk=application.pk)  # each reviewer's own page load
            barrier.wait(timeout=10)
            action(application=copy, lock_version=seen, **extra)
            outcomes[name] = "done"
        except ConflictError as error:
            outcomes[name] = error
        finally:
            connection.close()

    threads = [
        threading.Thread(
            target=act,
            args=("accept", application_accept),
            kwargs={
                "acting_user": owner,
            },
        ),
        threading.Thread(
            target=act,
            args=("reject", application_reject),
            kwargs={
                "acting_user": colleague,
                "reason": "材料不全",
            },
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(str(type(v).__name__) for v in outcomes.values()) == ["ConflictError", "str"]
    application.refresh_from_db()
    winner = "accept" if outcomes["accept"] == "done" else "reject"
    expected = ApplicationState.IN_REVIEW if winner == "accept" else ApplicationState.REJECTED
    assert application.state == expected
    assert application.lock_version == seen + 1
    assert application.transitions.filter(from_state=ApplicationState.SUBMITTED).count() == 1
    assert application.approved_amount in (None, Decimal("10"))
