"""The visit API for department systems: the department's visits with every result, findings
reported once, re-checks; another department sees nothing."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client

from jinqi.accounts.services import api_token_create, system_user
from jinqi.accounts.tests.factories import department_user
from jinqi.core import clock
from jinqi.inspections.enums import RectificationState
from jinqi.inspections.models import Finding
from jinqi.inspections.tests.test_visit_views import _built
from jinqi.inspections.tests.test_visits import world  # noqa: F401  # the fixture
from jinqi.inspections.visit_permissions import WORK_VISITS

pytestmark = pytest.mark.django_db

VISIT_DAY = dt.datetime(2026, 11, 13, 10)


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


def test_department_reports_findings_and_rechecks(world):  # noqa: F811
    """The safety department lists its visit, reports two results once (a replay changes
    nothing), and passes the re-check; the ecology department reads the same results."""
    visit = _built(world)
    key = key_for(world["safety_user"], scopes=[WORK_VISITS])
    listed = get(key, "/api/v1/inspections/visits").json()["items"]
    assert [v["short_code"] for v in listed] == [visit.short_code]
    assert {i["code"] for i in listed[0]["items"]} == {"YJ-001", "YJ-002", "HB-001", "HB-002"}
    path = f"/api/v1/inspections/visits/{visit.short_code}/findings"
    body = {
        "findings": [
            {"item_code": "YJ-001", "result": "compliant"},
            {
                "item_code": "YJ-002",
                "result": "non_compliant",
                "note": "危化品仓库未设置防爆灯具",
                "rectification_days": 10,
            },
        ]
    }
    with clock.frozen_at(VISIT_DAY):
        reported = post(key, path, body)
        assert reported.status_code == 200, reported.content
        again = post(key, path, body)
    assert again.status_code == 200 and Finding.objects.count() == 2
    [rectified] = [f for f in reported.json()["findings"] if f["rectification"]]
    assert rectified["rectification"]["deadline"] == "2026-11-27"
    shared = get(key_for(world["ecology_user"]), f"/api/v1/inspections/visits/{visit.short_code}")
    assert len(shared.json()["findings"]) == 2  # 结果互认
    rectification_id = rectified["rectification"]["id"]
    with clock.frozen_at(VISIT_DAY):
        passed = post(
            key,
            f"/api/v1/inspections/rectifications/{rectification_id}/recheck",
            {"action": "pass", "lock_version": 0, "text": "现场复查合格"},
            "k-2",
        )
    assert passed.status_code == 200 and passed.json()["state"] == RectificationState.PASSED


def test_other_department_sees_nothing_and_bad_findings_are_refused_in_chinese(world):  # noqa: F811
    """A department outside the visit gets an empty list and 404; a non-compliance without a
    note is refused with a Chinese message and nothing is stored."""
    visit = _built(world)
    other = key_for(department_user("finance"))
    assert get(other, "/api/v1/inspections/visits").json()["items"] == []
    path = f"/api/v1/inspections/visits/{visit.short_code}/findings"
    body = {
        "findings": [{"item_code": "YJ-002", "result": "non_compliant", "rectification_days": 5}]
    }
    with clock.frozen_at(VISIT_DAY):
        assert post(other, path, body).status_code == 404
        refused = post(key_for(world["safety_user"]), path, body, "k-9")
    assert refused.status_code == 400 and "不符合情况" in refused.json()["error"]["message"]
    assert not Finding.objects.exists()
