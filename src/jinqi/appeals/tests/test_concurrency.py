"""The same appeal sent many times at the same moment, in real transactions on separate
connections: exactly one is filed, every other sender gets the duplicate warning."""

from __future__ import annotations

import pytest

from jinqi.appeals import services
from jinqi.appeals.models import Appeal, Entry
from jinqi.appeals.tests import factories as f
from jinqi.core.tests.concurrency import THREADS, at_once, refusals


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_same_appeal_sent_fifty_times_at_once_is_filed_once() -> None:
    """Fifty identical filings released together make one appeal; the other forty-nine are
    refused with the duplicate warning naming it."""
    user = f.firm_user()
    data = services.AppealData(
        kind="request", category=f.category(), title="研发费用加计扣除口径", text=f.TEXT
    )

    outcomes = at_once(lambda _i: services.appeal_file(data=data, acting_user=user))

    appeal = Appeal.objects.get()
    assert Entry.objects.filter(appeal=appeal).count() == 1
    refused = refusals(outcomes)
    assert len(refused) == THREADS - 1
    assert all(isinstance(error, services.DuplicateAppealError) for error in refused)
    assert all(error.details == [appeal.reference] for error in refused)
