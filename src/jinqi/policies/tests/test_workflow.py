"""The policy and auto-grant workflows through the one mechanism: every state × action × actor,
and the log row each step writes."""

from __future__ import annotations

from typing import cast

import pytest

from jinqi.accounts.models import User
from jinqi.accounts.tests.factories import UserFactory, department_user
from jinqi.core.models import WorkflowStep
from jinqi.core.tests.workflow_matrix import assert_only_declared_moves
from jinqi.policies.enums import GrantState, PolicyState
from jinqi.policies.models import Grant, GrantTransition, Policy
from jinqi.policies.services import auto_grant_list_confirm, policy_publish, policy_withdraw
from jinqi.policies.tests.factories import employer, policy
from jinqi.policies.workflow import DEPARTMENT, ENTERPRISE, GRANT_WORKFLOW, POLICY_WORKFLOW

pytestmark = pytest.mark.django_db


def _staff() -> User:
    return department_user("human-resources")


def test_only_the_policys_department_moves_a_policy_and_only_as_declared() -> None:
    """Publish, revise and withdraw by the policy's own department from their states; another
    department, or an enterprise, is refused everything."""
    staff = _staff()
    item = policy(staff)

    def policy_in(state: str) -> Policy:
        Policy.objects.filter(pk=item.pk).update(state=state)
        return Policy.objects.get(pk=item.pk)

    users = {
        DEPARTMENT: staff,
        "other department": department_user("tax-jinshan"),
        ENTERPRISE: cast(User, UserFactory(enterprise=True)),
    }
    tried = assert_only_declared_moves(POLICY_WORKFLOW, policy_in, users)
    assert tried == len(PolicyState.values) * len(POLICY_WORKFLOW.transitions) * len(users)


def test_each_policy_step_is_logged() -> None:
    """Publishing and withdrawing write one WorkflowStep each, with the actor and the states."""
    staff = _staff()
    item = policy(staff)
    policy_publish(policy=item, acting_user=staff)
    policy_withdraw(policy=item, acting_user=staff)
    steps = WorkflowStep.objects.filter(workflow="policies.policy", object_id=item.pk)
    assert list(steps.values_list("action", "from_state", "to_state", "actor")) == [
        ("publish", PolicyState.DRAFT, PolicyState.PUBLISHED, staff.pk),
        ("withdraw", PolicyState.PUBLISHED, PolicyState.WITHDRAWN, staff.pk),
    ]


def test_only_the_declared_grant_moves_are_possible() -> None:
    """The enterprise confirms or declines its offer, the department pays; the platform's moves
    (offer, grant) are taken by no user; everything else is refused and changes nothing."""
    staff = _staff()
    firm = employer(4)
    item = policy(staff, needs_confirmation=True)
    policy_publish(policy=item, acting_user=staff)
    auto_grant_list_confirm(policy=item, acting_user=staff)
    grant = Grant.objects.get(policy=item, enterprise=firm)

    def grant_in(state: str) -> Grant:
        Grant.objects.filter(pk=grant.pk).update(state=state)
        return Grant.objects.select_related("enterprise", "policy").get(pk=grant.pk)

    users = {
        DEPARTMENT: staff,
        ENTERPRISE: cast(User, UserFactory(enterprise=True, enterprise_uscc=firm.uscc)),
        "other enterprise": cast(User, UserFactory(enterprise=True)),
        "other department": department_user("tax-jinshan"),
    }
    tried = assert_only_declared_moves(GRANT_WORKFLOW, grant_in, users)
    assert tried == len(GrantState.values) * len(GRANT_WORKFLOW.transitions) * len(users)


def test_a_grant_step_writes_its_grant_transition() -> None:
    """Lining up and the platform's offer each log a GrantTransition with its actor."""
    staff = _staff()
    firm = employer(4)
    item = policy(staff, needs_confirmation=True)
    policy_publish(policy=item, acting_user=staff)
    auto_grant_list_confirm(policy=item, acting_user=staff)
    grant = Grant.objects.get(policy=item, enterprise=firm)
    rows = GrantTransition.objects.filter(grant=grant)
    assert list(rows.values_list("from_state", "to_state", "actor")) == [
        ("", GrantState.WAITING, staff.pk),
        (GrantState.WAITING, GrantState.OFFERED, staff.pk),
    ]
