"""The same correction request sent many times at the same moment, in real transactions on
separate connections: the database keeps one open request per fact."""

from __future__ import annotations

import datetime as dt

import pytest

from jinqi.accounts.tests.factories import UserFactory
from jinqi.core.tests.concurrency import THREADS, at_once, refusals
from jinqi.registry import services
from jinqi.registry.models import CorrectionRequest
from jinqi.registry.tests.factories import enterprise, facts, stored_facts


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_fifty_correction_requests_on_one_fact_at_once_make_one() -> None:
    """Fifty flags of the same fact (one without a year) released together make one open
    request; the other forty-nine are told the fact already has one."""
    firm = enterprise()
    facts(firm, "science", dt.date(2025, 6, 30), is_high_tech=True)
    [fact] = stored_facts(firm, "is_high_tech")
    owner = UserFactory(enterprise=True, enterprise_uscc=firm.uscc)

    outcomes = at_once(
        lambda _i: services.correction_request_raise(fact=fact, reason="已失效", acting_user=owner)
    )

    assert CorrectionRequest.objects.filter(key="is_high_tech", year=None).count() == 1
    refused = refusals(outcomes)
    assert len(refused) == THREADS - 1
    assert {error.message for error in refused} == {"该数据已有尚未办结的更正申请。"}
