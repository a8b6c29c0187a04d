"""The demo step: items, the 安全+环保 checklist, a year of plans from four departments, the
rosters and a draw, loaded once."""

from __future__ import annotations

import pytest

from jinqi.accounts.models import Department
from jinqi.demo.accounts import demo_accounts_load
from jinqi.demo.inspections import CHECKLIST, demo_inspections_load
from jinqi.inspections.enums import PlanState
from jinqi.inspections.models import Checklist, Draw, InspectionItem, Plan, Task
from jinqi.inspections.tests.factories import classed

pytestmark = pytest.mark.django_db


def test_demo_inspections_load_once() -> None:
    """Four departments' plans are filed, the checklist belongs to 区应急管理局, a draw gives
    tasks, and a second run changes nothing."""
    demo_accounts_load(lambda _message: None)
    for risk_class in "AABBCD":
        classed(risk_class)
    demo_inspections_load(lambda _message: None)
    checklist = Checklist.objects.get(name=CHECKLIST)
    assert checklist.department == Department.objects.get(code="emergency-management")
    assert checklist.drafted_by
    assert Plan.objects.filter(state=PlanState.FILED).values("department").distinct().count() == 4
    draw = Draw.objects.get()
    assert Task.objects.filter(draw=draw).count() == len(draw.result) > 0
    items = InspectionItem.objects.count()
    demo_inspections_load(lambda _message: None)
    assert InspectionItem.objects.count() == items and Draw.objects.count() == 1
