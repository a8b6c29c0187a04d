"""The inspection pages: a department's items and plans, the public page of a draw without the
classes, and the lead office's re-run."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from jinqi.accounts.tests.factories import UserFactory, department_user
from jinqi.inspections import services
from jinqi.inspections.enums import PlanState
from jinqi.inspections.models import InspectionItem, Plan
from jinqi.inspections.tests import factories

pytestmark = pytest.mark.django_db


def client_of(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_item_is_saved_and_published_from_the_page() -> None:
    """A department saves an item, then publishes it; a bad one shows a Chinese error and saves
    nothing."""
    staff = department_user("emergency-management")
    client = client_of(staff)
    data = {
        "code": "AQ-9",
        "name": "动火作业管理",
        "legal_basis": "《危险化学品企业特殊作业安全规范》",
        "content": "动火作业是否审批",
        "standard": "GB 30871-2022",
        "risk_level": "high",
    }
    assert client.post(reverse("inspections:items"), data).status_code == 302
    item = InspectionItem.objects.get(code="AQ-9")
    client.post(reverse("inspections:item_publish", args=[item.pk]))
    item.refresh_from_db()
    assert item.is_published
    response = client.post(
        reverse("inspections:items"), {**data, "code": "AQ-10", "legal_basis": ""}
    )
    assert response.status_code == 200 and "法律依据" in response.content.decode()
    assert not InspectionItem.objects.filter(code="AQ-10").exists()


def test_plan_is_drafted_then_filed_from_its_page() -> None:
    """A planned inspection is drafted, then filed with the button its page shows."""
    staff = department_user("market-regulation")
    client = client_of(staff)
    client.post(
        reverse("inspections:plans"), {"year": 2026, "kind": "planned", "title": "年度计划"}
    )
    plan = Plan.objects.get()
    page = client.get(reverse("inspections:plan_detail", args=[plan.pk])).content.decode()
    assert "备案" in page
    client.post(
        reverse("inspections:plan_act", args=[plan.pk]),
        {"action": "file", "lock_version": plan.lock_version},
    )
    plan.refresh_from_db()
    assert plan.state == PlanState.FILED


def test_public_draw_shows_seed_and_hashes_and_the_lead_office_reruns_it() -> None:
    """Anyone reads the seed, algorithm and hashes, never a firm's class; the lead office's
    re-run says the list is the same."""
    staff = department_user("market-regulation")
    plan = factories.plan(staff, [factories.item(staff)])
    factories.classed("D")
    factories.inspector(staff)
    factories.inspector(staff)
    draw = services.draw_make(
        data=services.DrawIn(plan, dt.date(2026, 6, 1), dt.date(2026, 6, 30), seed=987654),
        acting_user=staff,
    )
    page = Client().get(reverse("inspections:public_draw", args=[draw.number])).content.decode()
    assert "987654" in page and "jinqi-sample-1" in page
    assert draw.population_hashes["D"] in page
    assert "高风险" not in page and "信用风险高" not in page
    lead = client_of(UserFactory(lead_office=True))
    rerun = lead.get(reverse("inspections:draw_rerun", args=[draw.pk])).content.decode()
    assert "完全一致" in rerun
