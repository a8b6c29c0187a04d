"""The provider workflow refuses every move it does not declare."""

from __future__ import annotations

import pytest

from jinqi.accounts.tests.factories import UserFactory, department_user
from jinqi.core import clock
from jinqi.core.tests.workflow_matrix import assert_only_declared_moves
from jinqi.providers.models import ServiceProvider
from jinqi.providers.tests.factories import office_user
from jinqi.providers.workflow import APPLICANT, OFFICE, PROVIDER_WORKFLOW

pytestmark = pytest.mark.django_db


def test_only_declared_moves():
    """Every state × action × actor: only the declared ones pass."""
    counter = iter(range(10_000))

    def record_in(state: str) -> ServiceProvider:
        n = next(counter)
        return ServiceProvider.objects.create(
            name=f"机构{n}",
            uscc=f"X{n:017d}",
            category="law_firm",
            contact_phone="021-1",
            contact_email=f"x{n}@example.cn",
            contact_person="某",
            status=state,
            applied_at=clock.now(),
        )

    tried = assert_only_declared_moves(
        PROVIDER_WORKFLOW,
        record_in,
        {APPLICANT: UserFactory(enterprise=True), OFFICE: office_user()},
    )
    assert tried == 5 * 6 * 2


def test_other_departments_do_not_act_as_the_office():
    """Staff of another department cannot admit: only the 区经委 runs the alliance."""
    provider = ServiceProvider.objects.create(
        name="机构",
        uscc="X1",
        category="law_firm",
        contact_phone="1",
        contact_email="a@example.cn",
        contact_person="某",
        applied_at=clock.now(),
    )
    refusal = PROVIDER_WORKFLOW.refusal(
        provider, PROVIDER_WORKFLOW.transition("admit"), department_user("finance")
    )
    assert refusal is not None
