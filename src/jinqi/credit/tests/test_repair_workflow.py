"""The repair workflow refuses every move it does not declare."""

from __future__ import annotations

import pytest

from jinqi.core import clock
from jinqi.core.tests.workflow_matrix import assert_only_declared_moves
from jinqi.credit.models import RepairApplication
from jinqi.credit.repair_workflow import DEPARTMENT, ENTERPRISE, REPAIR_WORKFLOW
from jinqi.credit.tests import repair_builders as b

pytestmark = pytest.mark.django_db


def test_only_declared_moves():
    """Every state × action × actor: only the declared ones pass."""
    with clock.frozen_at(b.TODAY):
        firm = b.firm()
        user = b.owner(firm)

        def record_in(state: str) -> RepairApplication:
            record = b.record(firm)
            return RepairApplication.objects.create(
                record=record,
                enterprise=firm,
                department=record.department,
                state=state,
                statement="已整改",
                applied_by=user,
                applied_at=clock.now(),
                accept_due=clock.today(),
                decide_due=clock.today(),
            )

        tried = assert_only_declared_moves(
            REPAIR_WORKFLOW, record_in, {ENTERPRISE: user, DEPARTMENT: b.staff()}
        )
    assert tried == 6 * 7 * 2
