"""The application workflow through the core mechanism: every state × action × actor, the log
row a step writes, and the rules that pick a review step's action."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from jinqi.accounts.models import User
from jinqi.accounts.tests.factories import UserFactory
from jinqi.applications.enums import ApplicationState as S
from jinqi.applications.models import Application, ApplicationTransition
from jinqi.applications.services import application_accept
from jinqi.applications.tests.factories import (
    applicant,
    applicant_enterprise,
    applying_policy,
    current_form,
    staff,
    submitted,
)
from jinqi.applications.workflow import WORKFLOW, Actor
from jinqi.core import clock
from jinqi.core.errors import DomainError, PermissionDenied
from jinqi.core.tests.workflow_matrix import assert_only_declared_moves

pytestmark = pytest.mark.django_db

LEAD_STEP = 1  # the factories' form: the department's step, then the lead office's


def test_only_the_declared_actions_are_possible_for_every_state_and_actor() -> None:
    """Every state × action × actor: the declared moves pass, every other one is refused and
    leaves the application as it was. The current review step is the lead office's, so the
    reviewer is the lead office and not the department."""
    owner = staff()
    item = applying_policy(owner)
    company = applicant_enterprise()
    users: dict[str, Any] = {
        Actor.APPLICANT: applicant(company),
        Actor.DEPARTMENT: owner,
        Actor.REVIEWER: UserFactory(lead_office=True),
    }

    def record_in(state: str) -> Application:
        # One open application per enterprise and policy: close the previous one first.
        Application.objects.filter(enterprise=company).update(state=S.WITHDRAWN)
        now = clock.now()
        return Application.objects.create(
            reference=uuid.uuid4().hex[:20],
            policy=item,
            form=current_form(item),
            enterprise=company,
            applicant=users[Actor.APPLICANT],
            state=state,
            step=LEAD_STEP,
            created_at=now,
            updated_at=now,
        )

    tried = assert_only_declared_moves(WORKFLOW, record_in, users)
    assert tried == len(S.values) * len(WORKFLOW.transitions) * len(users)


def test_a_step_writes_its_log_row() -> None:
    """Accepting writes one ApplicationTransition: from, to, the review step begun, who, why."""
    owner = staff()
    application = submitted(applying_policy(owner), applicant(applicant_enterprise()))
    application_accept(
        application=application,
        lock_version=application.lock_version,
        acting_user=owner,
        comment=" 材料齐全 ",
    )
    row = ApplicationTransition.objects.filter(application=application).latest("pk")
    assert (row.from_state, row.to_state, row.step, row.actor, row.comment) == (
        S.SUBMITTED,
        S.IN_REVIEW,
        0,
        owner,
        "材料齐全",
    )


def _in_review(step: int) -> tuple[Application, User]:
    owner = staff()
    application = submitted(applying_policy(owner), applicant(applicant_enterprise()))
    Application.objects.filter(pk=application.pk).update(state=S.IN_REVIEW, step=step)
    application.refresh_from_db()
    return application, owner


def test_a_step_with_steps_after_it_passes_on_and_only_the_last_approves() -> None:
    """The guards: approving is refused while steps remain, passing on is refused at the last."""
    application, owner = _in_review(0)
    with pytest.raises(DomainError, match=r"remain|后续"):
        WORKFLOW.check(application, "approve", owner)
    assert WORKFLOW.check(application, "pass_step", owner).target == S.IN_REVIEW
    lead = UserFactory(lead_office=True)
    Application.objects.filter(pk=application.pk).update(step=LEAD_STEP)
    application.refresh_from_db()
    with pytest.raises(DomainError, match=r"last|最后"):
        WORKFLOW.check(application, "pass_step", lead)
    assert WORKFLOW.check(application, "approve", lead).target == S.APPROVED


def test_the_department_reviews_its_own_step_and_the_lead_office_does_not() -> None:
    """The reviewer is whoever the current step names: the department's step is not the lead
    office's to pass."""
    application, owner = _in_review(0)
    assert [t.action for t in WORKFLOW.available(application, owner)] == ["pass_step", "reject"]
    with pytest.raises(PermissionDenied):
        WORKFLOW.check(application, "pass_step", UserFactory(lead_office=True))
