"""The plans API under /api/v1/: bearer tokens, Idempotency-Key replays, one error format,
pagination, and optimistic locking on review."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jinqi.accounts.models import ApiToken, User
from jinqi.accounts.services import api_token_create, system_user
from jinqi.accounts.tests.factories import UserFactory, department_user
from jinqi.api.models import IdempotencyRecord
from jinqi.core import clock
from jinqi.plans import services
from jinqi.plans.enums import MeasureStatus, Rating, ReportState
from jinqi.plans.models import Plan, ProgressReport, ReportEvent
from jinqi.plans.tests.factories import import_plan, small_plan_csv

pytestmark = pytest.mark.django_db

REPORTS = "/api/v1/plans/test-2022/measures/1/reports"
BODY = {"period": "2022-07", "status": "in_progress", "narrative": "系统已改造完成一半。"}


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with clock.frozen_at(dt.datetime(2022, 7, 15, 10, 0)):
        yield


@pytest.fixture
def plan() -> Plan:
    return import_plan(small_plan_csv())


@pytest.fixture
def reporter() -> User:
    return department_user("market-regulation")


def token_for(user: User) -> str:
    _token, key = api_token_create(acting_user=system_user(), user=user, name="对接系统")
    return key


def call(
    client: Client,
    method: str,
    path: str,
    key: str | None,
    body: Any = None,
    idempotency_key: str | None = None,
) -> Any:
    headers = {"Accept-Language": "en"}
    if key is not None:
        headers["Authorization"] = f"Bearer {key}"
    if idempotency_key is not None:
        headers["Idempotency-Key"] = idempotency_key
    if method == "get":
        return client.get(path, headers=headers)
    payload = body if isinstance(body, str) else json.dumps(body)
    return client.post(path, data=payload, content_type="application/json", headers=headers)


def test_report_is_created_with_a_token(client: Client, plan: Plan, reporter: User) -> None:
    """A department system posts a report with its token and gets it back with 201."""
    response = call(client, "post", REPORTS, token_for(reporter), BODY, "key-1")
    assert response.status_code == 201
    body = response.json()
    assert {
        k: body[k] for k in ("measure_seq", "department", "period", "status", "state", "version")
    } == {
        "measure_seq": 1,
        "department": "market-regulation",
        "period": "2022-07-01",
        "status": "in_progress",
        "state": "draft",
        "version": 1,
    }
    report = ProgressReport.objects.get()
    assert (report.pk, report.created_by) == (body["id"], reporter)


def test_same_request_again_is_replayed_not_repeated(
    client: Client, plan: Plan, reporter: User
) -> None:
    """A retry with the same key and body gets the stored response, marked as replayed, and the
    draft is not saved a second time."""
    key = token_for(reporter)
    first = call(client, "post", REPORTS, key, BODY, "key-1")
    again = call(client, "post", REPORTS, key, BODY, "key-1")

    assert again.status_code == 201
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    report = ProgressReport.objects.get()
    assert report.lock_version == 1


def test_same_key_with_another_body_is_refused(client: Client, plan: Plan, reporter: User) -> None:
    """Reusing a key for a different request is a client error, and the report is untouched."""
    key = token_for(reporter)
    call(client, "post", REPORTS, key, BODY, "key-1")

    response = call(client, "post", REPORTS, key, {**BODY, "narrative": "改了"}, "key-1")

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency_key_reused"
    assert response.json()["error"]["message"] == (
        "This Idempotency-Key was already used for a different request."
    )
    report = ProgressReport.objects.get()
    assert (report.narrative, report.lock_version) == (BODY["narrative"], 1)


def test_keys_belong_to_their_user(client: Client, plan: Plan, reporter: User) -> None:
    """Two users may use the same key: the second gets its own report, not the first's replay."""
    call(client, "post", REPORTS, token_for(reporter), BODY, "key-1")
    finance = department_user("finance")
    response = call(
        client,
        "post",
        "/api/v1/plans/test-2022/measures/2/reports",
        token_for(finance),
        BODY,
        "key-1",
    )
    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response
    assert response.json()["department"] == "finance"
    assert ProgressReport.objects.count() == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"period": "2022/07", "status": "in_progress", "narrative": "x"}, "period"),
        ({"period": "2022-13", "status": "in_progress", "narrative": "x"}, "period"),
        ({"period": "2022-07", "status": "in_progress", "narrative": ""}, "narrative"),
        ({"period": "2022-07", "narrative": "x"}, "status"),
        (
            {
                "period": "2022-07",
                "status": "in_progress",
                "narrative": "x",
                "indicator_values": {"rate": "high"},
            },
            "indicator_values",
        ),
    ],
    ids=["period-format", "month-13", "empty-narrative", "no-status", "indicator-not-number"],
)
def test_invalid_body_is_422_in_the_error_format(
    client: Client, plan: Plan, reporter: User, body: dict[str, Any], field: str
) -> None:
    """A body that fails the schema gets 422 with code, message and the failing field, and
    nothing is stored."""
    response = call(client, "post", REPORTS, token_for(reporter), body, "key-bad")
    assert response.status_code == 422
    error = response.json()["error"]
    assert set(error) == {"code", "message", "details", "request_id"}
    assert error["request_id"] == response["X-Request-ID"]
    assert (error["code"], error["message"]) == ("invalid", "The request is not valid.")
    assert any(field in detail["loc"] for detail in error["details"])
    assert not ProgressReport.objects.exists()


def test_domain_refusal_is_400_in_the_error_format(
    client: Client, plan: Plan, reporter: User
) -> None:
    """A report for a month that has not begun is refused with the service's message."""
    response = call(client, "post", REPORTS, token_for(reporter), {**BODY, "period": "2022-08"})
    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "code": "domain_error",
            "message": "A report cannot be written for a month that has not begun.",
            "details": None,
            "request_id": response["X-Request-ID"],
        }
    }
    assert not ProgressReport.objects.exists()


def test_revoked_or_missing_token_is_401(client: Client, plan: Plan, reporter: User) -> None:
    """A revoked token no longer authenticates, and neither does none at all; nothing is stored."""
    key = token_for(reporter)
    ApiToken.objects.filter(user=reporter).update(revoked_at=timezone.now())
    for token in (key, None):
        response = call(client, "post", REPORTS, token, BODY, "key-1")
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "unauthenticated"
    assert not ProgressReport.objects.exists()
    assert not IdempotencyRecord.objects.exists()


def test_other_departments_measure_is_404(client: Client, plan: Plan) -> None:
    """A department cannot see, let alone report on, a measure it is not responsible for."""
    response = call(client, "post", REPORTS, token_for(department_user("finance")), BODY)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.fixture
def three_reports(plan: Plan, reporter: User) -> list[ProgressReport]:
    m = plan.measures.get(seq=1)
    return [
        services.report_save(
            measure=m,
            period=dt.date(2022, month, 1),
            narrative="进展",
            status=MeasureStatus.IN_PROGRESS,
            submit=True,
            acting_user=reporter,
        )
        for month in (5, 6, 7)
    ]


def test_reports_list_is_paginated(
    client: Client, reporter: User, three_reports: list[ProgressReport]
) -> None:
    """The list gives items and the total count, newest month first, page by page."""
    key = token_for(reporter)
    first = call(client, "get", "/api/v1/plans/reports?limit=2", key).json()
    rest = call(client, "get", "/api/v1/plans/reports?limit=2&offset=2", key).json()
    assert first["count"] == rest["count"] == 3
    assert [r["period"] for r in first["items"] + rest["items"]] == [
        "2022-07-01",
        "2022-06-01",
        "2022-05-01",
    ]


def test_reports_list_costs_the_same_queries_for_more_reports(
    client: Client, plan: Plan, reporter: User, three_reports: list[ProgressReport]
) -> None:
    """Measure, department and plan come with each report, not one query per row."""
    key = token_for(reporter)
    with CaptureQueriesContext(connection) as three:
        assert call(client, "get", "/api/v1/plans/reports", key).status_code == 200
    for month in (2, 3, 4):
        services.report_save(
            measure=plan.measures.get(seq=1),
            period=dt.date(2022, month, 1),
            narrative="进展",
            status=MeasureStatus.IN_PROGRESS,
            acting_user=reporter,
        )
    with CaptureQueriesContext(connection) as six:
        assert len(call(client, "get", "/api/v1/plans/reports", key).json()["items"]) == 6
    assert len(six) == len(three)


def test_review_with_a_stale_version_is_409(
    client: Client, three_reports: list[ProgressReport]
) -> None:
    """The lead office reviews with the version it saw; a stale version is a conflict and the
    report stays submitted."""
    report = three_reports[0]
    key = token_for(UserFactory(lead_office=True))
    path = f"/api/v1/plans/reports/{report.pk}/review"

    stale = call(client, "post", path, key, {"rating": "good", "version": report.lock_version - 1})
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "conflict"
    assert stale.json()["error"]["message"] == (
        "Someone else changed this report meanwhile; reload it and try again."
    )
    report.refresh_from_db()
    assert (report.state, report.rating) == (ReportState.SUBMITTED, "")

    fresh = call(client, "post", path, key, {"rating": "good", "version": report.lock_version})
    assert fresh.status_code == 200
    assert (fresh.json()["state"], fresh.json()["rating"]) == ("reviewed", Rating.GOOD)
    assert ReportEvent.objects.filter(report=report, kind="reviewed").count() == 1


def test_department_cannot_review_through_the_api(
    client: Client, reporter: User, three_reports: list[ProgressReport]
) -> None:
    """Reviewing needs the lead office's capability: 403 in the error format."""
    report = three_reports[0]
    response = call(
        client,
        "post",
        f"/api/v1/plans/reports/{report.pk}/review",
        token_for(reporter),
        {"rating": "excellent", "version": report.lock_version},
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED


def _post_zh(client: Client, key: str, body: dict[str, Any]) -> Any:
    headers = {"Authorization": f"Bearer {key}", "Accept-Language": "zh-hans"}
    return client.post(REPORTS, json.dumps(body), content_type="application/json", headers=headers)


@pytest.mark.parametrize("period", ["0990-01", "1099-11", "2021-12", "2023-01"])
def test_report_for_a_month_outside_the_plan_year_is_refused(
    client: Client, plan: Plan, reporter: User, period: str
) -> None:
    """A month outside the 2022 plan's year is a 400 naming the year; no report is created."""
    response = _post_zh(client, token_for(reporter), {**BODY, "period": period})
    assert response.status_code == 400
    assert "2022" in response.json()["error"]["message"]
    assert "报告" in response.json()["error"]["message"]
    assert not ProgressReport.objects.exists()


def test_report_for_month_of_year_zero_is_refused_not_a_server_error(
    client: Client, plan: Plan, reporter: User
) -> None:
    """0000-01 matches the pattern but names no real month: 400 with a message, nothing stored."""
    response = _post_zh(client, token_for(reporter), {**BODY, "period": "0000-01"})
    assert response.status_code == 400
    assert "0000-01" in response.json()["error"]["message"]
    assert not ProgressReport.objects.exists()


@pytest.mark.parametrize("narrative", ["进展\x00顺利", "进展\x1b顺利"])
def test_report_narrative_with_a_control_character_is_refused(
    client: Client, plan: Plan, reporter: User, narrative: str
) -> None:
    """A NUL or an escape in the narrative is a 422 in Chinese; no report is stored."""
    response = _post_zh(client, token_for(reporter), {**BODY, "narrative": narrative})
    assert response.status_code == 422
    assert "不允许" in json.dumps(response.json(), ensure_ascii=False)
    assert not ProgressReport.objects.exists()


def test_report_narrative_is_stored_with_lf_and_full_width_punctuation_kept(
    client: Client, plan: Plan, reporter: User
) -> None:
    """CR LF becomes LF, the text is NFC, and full-width punctuation stays as typed."""
    narrative = "第一步完成，\r\n第二步：e\u0301。"
    response = _post_zh(client, token_for(reporter), {**BODY, "narrative": narrative})
    assert response.status_code == 201
    assert ProgressReport.objects.get().narrative == "第一步完成，\n第二步：\u00e9。"
