"""The inspections API: department systems publish items and plans and receive their drawn
tasks with scoped tokens; another department's records are out of reach."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client

from jinqi.accounts.models import User
from jinqi.accounts.services import api_token_create, system_user
from jinqi.accounts.tests.factories import department_user
from jinqi.inspections import services
from jinqi.inspections.enums import PlanState
from jinqi.inspections.models import InspectionItem, Plan
from jinqi.inspections.permissions import TASKS
from jinqi.inspections.tests import factories

pytestmark = pytest.mark.django_db

ITEM = {
    "code": "AQ-101",
    "name": "危险化学品储存检查",
    "legal_basis": "《危险化学品安全管理条例》第二十四条",
    "content": "储存场所是否符合国家标准",
    "standard": "GB 15603-2022",
    "risk_level": "high",
    "publish": True,
}


def key_of(user: User, scopes: list[str] | None = None) -> str:
    return api_token_create(acting_user=system_user(), user=user, name="执法系统", scopes=scopes)[1]


def call(method: str, url: str, key: str, body: dict[str, Any] | None = None) -> Any:
    client = Client()
    headers = {"Authorization": f"Bearer {key}"}
    if body is None:
        return getattr(client, method)(url, headers=headers)
    return getattr(client, method)(
        url, json.dumps(body), content_type="application/json", headers=headers
    )


def test_item_is_created_then_updated_and_published() -> None:
    """The first push creates and publishes the item (201); the same code again updates it
    (200); one item is stored."""
    key = key_of(department_user("emergency-management"))
    first = call("post", "/api/v1/inspections/items", key, ITEM)
    assert first.status_code == 201, first.content
    assert first.json()["is_published"] is True
    again = call("post", "/api/v1/inspections/items", key, {**ITEM, "name": "危化品储存检查"})
    assert again.status_code == 200
    assert InspectionItem.objects.get().name == "危化品储存检查"


def test_item_without_legal_basis_is_refused() -> None:
    """An empty legal basis is refused; nothing is stored."""
    key = key_of(department_user("emergency-management"))
    response = call("post", "/api/v1/inspections/items", key, {**ITEM, "legal_basis": ""})
    assert response.status_code in (400, 422)
    assert not InspectionItem.objects.exists()


def test_plan_is_filed_with_own_items_only() -> None:
    """A planned plan naming its department's items is filed; another department's item code
    is refused and nothing is stored."""
    staff = department_user("emergency-management")
    key = key_of(staff)
    call("post", "/api/v1/inspections/items", key, ITEM)
    body = {"year": 2026, "kind": "planned", "title": "2026年危化品抽查", "item_codes": ["AQ-101"]}
    response = call("post", "/api/v1/inspections/plans", key, body)
    assert response.status_code == 201, response.content
    assert response.json()["state"] == PlanState.FILED
    other = key_of(department_user("ecology-environment"))
    refused = call("post", "/api/v1/inspections/plans", other, body)
    assert refused.status_code == 400
    assert "AQ-101" in refused.json()["error"]["message"]
    assert Plan.objects.count() == 1


def test_special_plan_waits_for_the_lead_office() -> None:
    """A special plan pushed is submitted, not filed."""
    key = key_of(department_user("market-regulation"))
    body = {"year": 2026, "kind": "special", "title": "燃气安全专项检查"}
    response = call("post", "/api/v1/inspections/plans", key, body)
    assert response.json()["state"] == PlanState.SUBMITTED


def test_tasks_are_the_departments_own() -> None:
    """A drawn task reaches its department's system with its items and inspectors, and no
    other department's; a token without the tasks scope is refused."""
    staff = department_user("market-regulation")
    plan = factories.plan(staff, [factories.item(staff, code="SC-1")])
    factories.classed("C")
    factories.inspector(staff, certificate_number="310116123")
    factories.inspector(staff, certificate_number="310116124")
    services.draw_make(
        data=services.DrawIn(plan, dt.date(2026, 6, 1), dt.date(2026, 6, 30), seed=3),
        acting_user=staff,
    )
    rows = call("get", "/api/v1/inspections/tasks?state=open", key_of(staff)).json()["items"]
    assert len(rows) == 1
    assert rows[0]["items"] == ["SC-1"]
    assert sorted(rows[0]["inspectors"]) == ["310116123", "310116124"]
    other = key_of(department_user("emergency-management"))
    assert call("get", "/api/v1/inspections/tasks", other).json()["items"] == []
    narrow = key_of(staff, scopes=[TASKS])
    assert call("post", "/api/v1/inspections/items", narrow, ITEM).status_code == 403
