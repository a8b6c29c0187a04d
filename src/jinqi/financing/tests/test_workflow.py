"""The financing request's workflow refuses every move it does not declare, and another
institution cannot act on a request one has taken up."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from jinqi.core import clock
from jinqi.core.errors import PermissionDenied
from jinqi.core.tests.workflow_matrix import assert_only_declared_moves
from jinqi.financing.enums import RequestState
from jinqi.financing.models import FinancingRequest
from jinqi.financing.services import request_transition
from jinqi.financing.tests import factories
from jinqi.financing.workflow import ENTERPRISE, INSTITUTION, REQUEST_WORKFLOW

pytestmark = pytest.mark.django_db
TODAY = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)


def test_only_declared_moves() -> None:
    """Every state × action × actor: only the declared ones pass."""
    with clock.frozen_at(TODAY):
        bank = factories.institution()
        officer = factories.member(bank)
        firm, owner = factories.firm_user()

        def record_in(state: str) -> FinancingRequest:
            granted = state == RequestState.GRANTED
            return FinancingRequest.objects.create(
                enterprise=firm,
                amount=Decimal(100),
                purpose="设备更新",
                term_months=12,
                collateral="none",
                state=state,
                institution=None if state == RequestState.SUBMITTED else bank,
                submitted_by=owner,
                submitted_on=clock.today(),
                granted_amount=Decimal(100) if granted else None,
                granted_rate=Decimal("3.5") if granted else None,
                granted_term_months=12 if granted else None,
            )

        tried = assert_only_declared_moves(
            REQUEST_WORKFLOW, record_in, {ENTERPRISE: owner, INSTITUTION: officer}
        )
    assert tried == 6 * 7 * 2


def test_another_institution_cannot_act_on_a_taken_request() -> None:
    """Once one institution has taken a request up, another is refused and nothing changes."""
    with clock.frozen_at(TODAY):
        first, second = factories.institution(), factories.institution("金山融资担保", "guarantee")
        officer, rival = factories.member(first), factories.member(second)
        _firm, owner = factories.firm_user()
        request = factories.request(owner)
        request = request_transition(
            request=request, action="take", lock_version=request.lock_version, acting_user=officer
        )
        with pytest.raises(PermissionDenied):
            request_transition(
                request=request,
                action="decline",
                lock_version=request.lock_version,
                text="不符合条件",
                acting_user=rival,
            )
        request.refresh_from_db()
        assert request.state == RequestState.TAKEN and request.institution == first
