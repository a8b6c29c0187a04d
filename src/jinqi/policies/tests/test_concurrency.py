"""The same 免申即享 offer confirmed many times at the same moment, in real transactions on
separate connections: the grant is confirmed once."""

from __future__ import annotations

from typing import cast

import pytest

from jinqi.accounts.models import User
from jinqi.accounts.tests.factories import UserFactory, department_user
from jinqi.core.errors import ConflictError
from jinqi.core.tests.concurrency import THREADS, at_once, refusals
from jinqi.policies.enums import GrantState
from jinqi.policies.models import Grant, GrantTransition
from jinqi.policies.services import auto_grant_list_confirm, grant_confirm, policy_publish
from jinqi.policies.tests.factories import employer, policy


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_fifty_confirmations_at_once_confirm_the_offer_once() -> None:
    """Fifty confirmations of one offer, each from a page loaded before any was sent, released
    together: one moves the grant (one transition logged), the others are told someone acted
    first."""
    staff = department_user("human-resources")
    firm = employer(9)
    owner = cast(User, UserFactory(enterprise=True, enterprise_uscc=firm.uscc))
    item = policy(staff, needs_confirmation=True, grant_amount="1.00")
    policy_publish(policy=item, acting_user=staff)
    auto_grant_list_confirm(policy=item, acting_user=staff)
    grant = Grant.objects.get(policy=item, enterprise=firm)
    assert grant.state == GrantState.OFFERED

    outcomes = at_once(
        lambda offer: grant_confirm(grant=offer, payee_account="6222 0000 1111", acting_user=owner),
        prepare=lambda _i: Grant.objects.select_related("enterprise").get(pk=grant.pk),
    )

    grant.refresh_from_db()
    assert grant.state == GrantState.CONFIRMED
    assert GrantTransition.objects.filter(grant=grant, to_state=GrantState.CONFIRMED).count() == 1
    refused = refusals(outcomes)
    assert len(refused) == THREADS - 1
    assert all(isinstance(error, ConflictError) for error in refused)
