"""The repair API for department systems: scoped tokens, the department's own applications,
decisions that are applied once however often they are sent."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from jinqi.accounts.services import api_token_create, system_user
from jinqi.core import clock
from jinqi.credit import repairs
from jinqi.credit.enums import RecordStatus, RepairState
from jinqi.credit.repair_permissions import REPAIR
from jinqi.credit.tests import repair_builders as b

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _mid_2026():
    with clock.frozen_at(b.TODAY):
        yield


@pytest.fixture
def application():
    firm = b.firm()
    return repairs.repair_apply(
        record=b.record(firm),
        statement="已整改。",
        materials={"commitment": b.pdf()},
        acting_user=b.owner(firm),
    )


def key_for(user, scopes=None):
    return api_token_create(acting_user=system_user(), user=user, name="部门系统", scopes=scopes)[1]


def post(key, path, body, idempotency_key="k-1"):
    return Client().post(
        path,
        data=json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}", "Idempotency-Key": idempotency_key},
    )


def get(key, path):
    return Client().get(path, headers={"Authorization": f"Bearer {key}"})


def test_department_reads_and_decides_once(application):
    """The deciding department lists, accepts and approves; a replayed decision changes nothing."""
    key = key_for(b.staff(), scopes=[REPAIR])
    listed = get(key, "/api/v1/credit/repairs").json()
    assert [item["id"] for item in listed["items"]] == [application.pk]
    assert len(listed["items"][0]["materials"]) == 1
    path = f"/api/v1/credit/repairs/{application.pk}/decision"
    accepted = post(key, path, {"action": "accept", "lock_version": 0})
    assert accepted.status_code == 200 and accepted.json()["state"] == RepairState.ACCEPTED
    again = post(key, path, {"action": "accept", "lock_version": 0})
    assert again.status_code == 200 and again.json() == accepted.json()
    approved = post(key, path, {"action": "approve", "lock_version": 1}, "k-2")
    assert approved.json()["record_status"] == RecordStatus.REPAIRED
    stale = post(key, path, {"action": "reject", "lock_version": 1, "text": "否"}, "k-3")
    assert stale.status_code in (400, 409)
    application.refresh_from_db()
    assert application.state == RepairState.APPROVED and application.lock_version == 2


def test_other_department_and_unscoped_token_are_refused(application):
    """Another department sees nothing and cannot decide; a token without the scope gets 403."""
    other = key_for(b.staff("finance"))
    assert get(other, "/api/v1/credit/repairs").json()["items"] == []
    path = f"/api/v1/credit/repairs/{application.pk}/decision"
    assert post(other, path, {"action": "accept", "lock_version": 0}).status_code == 404
    unscoped = key_for(b.staff(), scopes=[])
    assert get(unscoped, "/api/v1/credit/repairs").status_code == 403
    application.refresh_from_db()
    assert application.state == RepairState.SUBMITTED


def test_bad_decision_is_refused_in_chinese(application):
    """An unknown action or a decision without its reason: a Chinese message, nothing changed."""
    key = key_for(b.staff())
    path = f"/api/v1/credit/repairs/{application.pk}/decision"
    unknown = post(key, path, {"action": "delete", "lock_version": 0})
    assert unknown.status_code == 422
    no_reason = post(key, path, {"action": "not_accept", "lock_version": 0}, "k-2")
    assert no_reason.status_code == 400 and "理由" in no_reason.json()["error"]["message"]
    application.refresh_from_db()
    assert application.state == RepairState.SUBMITTED and application.lock_version == 0
