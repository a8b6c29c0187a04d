"""Every API error is the documented JSON error and carries the request id of its log lines."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings

from jinqi.accounts.services import api_token_create, system_user
from jinqi.accounts.tests.factories import department_user
from jinqi.api.errors import ALWAYS, document_errors
from jinqi.api.schema import openapi_text
from jinqi.core.request_id import HEADER, RequestIdFilter, RequestIdMiddleware
from jinqi.plans import selectors as plan_selectors

pytestmark = pytest.mark.django_db

ERROR_KEYS = {"code", "message", "details", "request_id"}


def _error(response: Any) -> dict[str, Any]:
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == ERROR_KEYS
    assert body["error"]["request_id"] == response[HEADER]
    return dict(body["error"])


def test_unexpected_exception_is_json_500_with_the_request_id_in_the_log(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A selector that raises gives JSON 500 (not Django's page); its traceback is logged under
    the same request id the caller reads."""

    def broken() -> None:
        raise RuntimeError("selector broke")

    monkeypatch.setattr(plan_selectors, "plans_all", broken)
    with caplog.at_level(logging.ERROR, logger="jinqi.api.errors"):
        response = Client().get("/api/v1/plans/")
    assert response.status_code == 500
    error = _error(response)
    assert error["code"] == "server_error"
    assert "selector broke" not in response.content.decode()
    logged = [r for r in caplog.records if r.name == "jinqi.api.errors"]
    assert len(logged) == 1 and error["request_id"] in logged[0].getMessage()
    assert logged[0].exc_info is not None and "selector broke" in caplog.text


def test_a_sane_incoming_request_id_is_kept_and_a_hostile_one_replaced() -> None:
    """The caller's X-Request-ID comes back when it is a short run of safe characters; one with
    a line break or two hundred characters is replaced by a fresh id."""
    client = Client()
    kept = client.get("/api/v1/plans/", headers={HEADER: "caller-1234.abc"})
    assert kept[HEADER] == "caller-1234.abc"
    for hostile in ("abc\r\nFAKE log line", "x" * 200, "短的中文请求编号号"):
        answered = client.get("/api/v1/plans/nope/measures", headers={HEADER: hostile})
        assert answered[HEADER] != hostile and len(answered[HEADER]) == 32
        assert _error(answered)["code"] == "not_found"


def test_every_log_line_of_a_request_names_its_id() -> None:
    """The logging filter gives a record made during a request that request's id, and "-" after."""
    seen: list[str] = []

    def view(request: HttpRequest) -> HttpResponse:
        record = logging.LogRecord("x", logging.INFO, __file__, 1, "inside", None, None)
        RequestIdFilter().filter(record)
        seen.append(record.request_id)  # type: ignore[attr-defined]  # set by the filter
        return HttpResponse("ok")

    response = RequestIdMiddleware(view)(HttpRequest())
    assert seen == [response[HEADER]]
    after = logging.LogRecord("x", logging.INFO, __file__, 1, "outside", None, None)
    RequestIdFilter().filter(after)
    assert after.request_id == "-"  # type: ignore[attr-defined]  # set by the filter


def test_unknown_api_path_and_wrong_method_answer_json() -> None:
    """An unknown /api/v1/ path is a JSON 404 and a method the path does not take a JSON 405
    that still says which methods it allows; pages outside the API are untouched."""
    client = Client()
    missing = client.get("/api/v1/no-such-thing/")
    assert missing.status_code == 404 and _error(missing)["code"] == "not_found"
    wrong = client.delete("/api/v1/plans/")
    assert wrong.status_code == 405 and _error(wrong)["code"] == "method_not_allowed"
    assert "GET" in wrong["Allow"]
    page = client.get("/no-such-page/")
    assert page.status_code in (302, 404) and not page["Content-Type"].startswith(
        "application/json"
    )


def test_unreadable_body_is_a_json_400_in_the_callers_language() -> None:
    """A body that is not JSON is refused with the documented error, not Ninja's English text."""
    _token, key = api_token_create(acting_user=system_user(), user=department_user(), name="系统")
    response = Client().post(
        "/api/v1/registry/facts",
        "\x00{",
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 400
    error = _error(response)
    assert error["code"] == "bad_request" and "parse" not in error["message"]


@override_settings(API_RATE_LIMIT_PER_MINUTE=1)
def test_rate_limit_is_the_documented_json_429_with_retry_after() -> None:
    """The second call in a minute over a limit of one is a JSON 429 that says when to retry."""
    _token, key = api_token_create(acting_user=system_user(), user=department_user(), name="系统")
    headers = {"Authorization": f"Bearer {key}"}
    client = Client()
    assert client.get("/api/v1/notifications/", headers=headers).status_code == 200
    refused = client.get("/api/v1/notifications/", headers=headers)
    assert refused.status_code == 429 and _error(refused)["code"] == "rate_limited"
    assert 0 < int(refused["Retry-After"]) <= 60


def test_huge_page_offsets_are_refused_not_sent_to_the_database() -> None:
    """A limit or offset beyond the documented bounds is a 422, not a database overflow (500)."""
    _token, key = api_token_create(acting_user=system_user(), user=department_user(), name="系统")
    headers = {"Authorization": f"Bearer {key}"}
    client = Client()
    for query in ("offset=5063473244461896926904822267904", "limit=787733169748"):
        response = client.get(f"/api/v1/plans/reports?{query}", headers=headers)
        assert response.status_code == 422 and _error(response)["code"] == "invalid"


def test_every_operation_documents_its_error_answers() -> None:
    """Each operation of the OpenAPI document lists 400, 404 and 500 with the ErrorOut schema;
    authenticated ones 401, 403 and 429; ones with input 422; writes 409."""
    import json

    schema = json.loads(openapi_text())
    assert "ErrorOut" in schema["components"]["schemas"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            statuses = set(operation["responses"])
            expected = {str(s) for s in ALWAYS}
            if operation.get("security"):
                expected |= {"401", "403", "429"}
            if operation.get("parameters") or operation.get("requestBody"):
                expected.add("422")
            if method != "get":
                expected.add("409")
            assert expected <= statuses, (method, path, expected - statuses)
            error = operation["responses"]["500"]["content"]["application/json"]["schema"]
            assert error == {"$ref": "#/components/schemas/ErrorOut"}


def test_a_new_operation_is_documented_without_anyone_remembering() -> None:
    """document_errors adds the error answers to an operation it has never seen, and keeps an
    answer the operation documents itself."""
    own = {"description": "its own"}
    schema: dict[str, Any] = {
        "paths": {"/new": {"post": {"security": [{}], "responses": {201: {}, 404: own}}}}
    }
    document_errors(schema)
    responses = schema["paths"]["/new"]["post"]["responses"]
    assert set(responses) == {201, 400, 401, 403, 404, 409, 429, 500, 503}
    assert responses[404] is own


def test_multipart_without_a_boundary_is_a_json_400() -> None:
    """An upload whose Content-Type names no boundary is refused as unreadable (it was a 500)."""
    _token, key = api_token_create(acting_user=system_user(), user=department_user(), name="系统")
    response = Client().post(
        "/api/v1/registry/imports",
        b"--x\r\n",
        content_type="multipart/form-data",
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 400 and _error(response)["code"] == "bad_request"
