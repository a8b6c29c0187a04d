"""The demo's visits: past joint visits with codes, results, rectifications and ratings."""

from __future__ import annotations

import datetime as dt

import pytest

from jinqi.accounts.tests.factories import UserFactory, department_user
from jinqi.core import clock
from jinqi.core.documents import document_by_code
from jinqi.demo.accounts import DEMO_ENTERPRISE_USCC
from jinqi.demo.inspection_visits import demo_inspection_visits_load
from jinqi.inspections.enums import RectificationState, VisitState
from jinqi.inspections.models import Rectification, Visit
from jinqi.inspections.tests import visit_builders as b
from jinqi.registry.tests.factories import enterprise

pytestmark = pytest.mark.django_db


def test_demo_visits_are_joint_coded_inspected_and_rated():
    """With the inspections step's plans and rosters, the step makes joint visits with codes,
    rectifications in several states and the demo enterprise's ratings; loading twice keeps
    them."""
    with clock.frozen_at(dt.datetime(2026, 12, 7, 9)):
        firm = enterprise(uscc=DEMO_ENTERPRISE_USCC, name="上海金山演示化工有限公司")
        UserFactory(enterprise=True, enterprise_uscc=firm.uscc)
        UserFactory(username="lead", lead_office=True)
        for code in (b.SAFETY, b.ECOLOGY):
            department_user(code, username=code)
        b.safety_and_ecology(firm)
        for n in range(5):
            enterprise(name=f"上海金山演示化工{n}号有限公司")
        messages: list[str] = []
        demo_inspection_visits_load(messages.append)
        demo_inspection_visits_load(messages.append)
    past = Visit.objects.filter(enterprise=firm)
    assert past.count() == 2 and "kept" in messages[-1]
    for visit in past:
        assert visit.tasks.count() == 2
        assert document_by_code(visit.short_code) is not None
    states = set(Rectification.objects.values_list("state", flat=True))
    assert {RectificationState.OPEN, RectificationState.REPORTED} <= states
    assert Visit.objects.filter(state=VisitState.DONE).exists()
