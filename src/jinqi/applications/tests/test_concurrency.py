"""Acting on the same application at the same moment, in real transactions on separate
connections: two reviewers (exactly one wins, the other is told, nothing is overwritten), and
fifty starts, submissions or objections at once (docs/adr/0010-create-once.md)."""

from __future__ import annotations

import threading
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from jinqi.applications.enums import ApplicationState
from jinqi.applications.models import Application, Objection
from jinqi.applications.services import (
    application_accept,
    application_answers_save,
    application_reject,
    application_start,
    application_submit,
    attachment_add,
    objection_raise,
)
from jinqi.applications.tests.factories import (
    COMPLETE_ANSWERS,
    applicant,
    applicant_enterprise,
    applying_policy,
    in_publicity,
    pdf,
    staff,
    submitted,
)
from jinqi.audit.models import AuditEvent
from jinqi.core.errors import ConflictError
from jinqi.core.tests.concurrency import THREADS, at_once, refusals


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


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_fifty_starts_at_once_make_one_application() -> None:
    """Fifty starts of the same enterprise on the same policy released together make one draft
    (the partial unique constraint over open applications); every caller gets that draft."""
    item = applying_policy(staff())
    user = applicant(applicant_enterprise())

    outcomes = at_once(lambda _i: application_start(policy=item, acting_user=user))

    application = Application.objects.get(policy=item)
    assert not refusals(outcomes)
    assert {outcome.pk for outcome in outcomes} == {application.pk}
    assert AuditEvent.objects.filter(object_type="applications.application").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_fifty_submissions_at_once_submit_once() -> None:
    """Fifty submissions of the same draft released together move it once; the others are told
    someone acted first, and one transition is logged."""
    item = applying_policy(staff())
    user = applicant(applicant_enterprise())
    application = application_start(policy=item, acting_user=user)
    application_answers_save(application=application, answers=COMPLETE_ANSWERS, acting_user=user)
    attachment_add(application=application, material="business_plan", file=pdf(), acting_user=user)
    seen = Application.objects.get(pk=application.pk).lock_version

    outcomes = at_once(
        lambda copy: application_submit(application=copy, lock_version=seen, acting_user=user),
        prepare=lambda _i: Application.objects.get(pk=application.pk),
    )

    assert len(refusals(outcomes)) == THREADS - 1
    assert all(isinstance(error, ConflictError) for error in refusals(outcomes))
    assert application.transitions.filter(to_state=ApplicationState.SUBMITTED).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_same_objection_sent_fifty_times_at_once_is_kept_once() -> None:
    """Fifty identical objections to one application released together are stored once; the
    other senders are told it was received."""
    application, batch = in_publicity(staff())

    outcomes = at_once(
        lambda _i: objection_raise(
            batch=batch, application=application, text="该企业不在本区经营", contact="张先生"
        )
    )

    assert Objection.objects.filter(batch=batch).count() == 1
    refused = refusals(outcomes)
    assert len(refused) == THREADS - 1
    assert {error.message for error in refused} == {"该异议已收到，主管部门将予以答复。"}
