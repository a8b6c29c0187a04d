"""Applying through /api/v1/applications: idempotent creation, auto-save, submission, scope."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError
from django.test import Client

from jinqi.accounts.models import User
from jinqi.applications.enums import ApplicationState
from jinqi.applications.models import Application, Attachment
from jinqi.applications.services import filing
from jinqi.applications.tests.factories import (
    COMPLETE_ANSWERS,
    PDF,
    applicant,
    applicant_enterprise,
    applying_policy,
    staff,
)
from jinqi.core.models import StoredFile

pytestmark = pytest.mark.django_db
CODE = "test-apply-subsidy"


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _send(client: Client, method: str, url: str, body: dict[str, Any], **headers: str) -> Any:
    return getattr(client, method)(
        url, json.dumps(body), content_type="application/json", headers=headers
    )


def test_a_retried_create_with_the_same_key_makes_one_application() -> None:
    applying_policy()
    client = _client(applicant(applicant_enterprise()))
    body = {"policy": CODE, "answers": {"project_name": "产线改造"}}
    first = _send(client, "post", "/api/v1/applications", body, **{"Idempotency-Key": "k-1"})
    again = _send(client, "post", "/api/v1/applications", body, **{"Idempotency-Key": "k-1"})
    assert (first.status_code, again.status_code) == (201, 201)
    assert again["Idempotent-Replayed"] == "true"
    assert first.json() == again.json()
    assert Application.objects.count() == 1


def test_a_busy_database_answers_the_json_busy_error_and_creates_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A create whose write finds the SQLite database locked (after the row was written)
    answers 503, the error body with the code "busy" and Retry-After; nothing is created."""

    def locked(**_kwargs: object) -> None:
        raise OperationalError("database is locked")

    applying_policy()
    monkeypatch.setattr(filing, "audit_record", locked)
    client = _client(applicant(applicant_enterprise()))
    body = {"policy": CODE, "answers": {"project_name": "产线改造"}}
    response = _send(client, "post", "/api/v1/applications", body)
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json()["error"] == {
        "code": "busy",
        "message": "系统繁忙，请求未能完成。请几秒钟后重试。",
        "details": None,
        "request_id": response["X-Request-ID"],
    }
    assert not Application.objects.exists()


def test_a_double_click_without_a_key_still_makes_one_application() -> None:
    applying_policy()
    client = _client(applicant(applicant_enterprise()))
    replies = [_send(client, "post", "/api/v1/applications", {"policy": CODE}) for _ in range(2)]
    assert [r.status_code for r in replies] == [201, 201]
    assert replies[0].json()["reference"] == replies[1].json()["reference"]
    assert Application.objects.count() == 1


def test_the_form_endpoint_gives_the_schema_and_what_the_government_holds() -> None:
    applying_policy()
    client = _client(applicant(applicant_enterprise(42)))
    reply = client.get(f"/api/v1/applications/forms/{CODE}")
    assert reply.status_code == 200
    data = reply.json()
    assert data["answers_schema"]["properties"]["project_name"]["type"] == "string"
    assert data["prefilled"]["employees"]["value"] == 42
    assert data["prefilled"]["employees"]["source"]


def test_save_upload_and_submit() -> None:
    applying_policy()
    client = _client(applicant(applicant_enterprise()))
    created = _send(client, "post", "/api/v1/applications", {"policy": CODE}).json()
    ref = created["reference"]
    saved = _send(
        client, "put", f"/api/v1/applications/{ref}/answers", {"answers": COMPLETE_ANSWERS}
    )
    assert saved.status_code == 200
    assert set(saved.json()["problems"]) == {"material:business_plan"}
    upload = client.post(
        f"/api/v1/applications/{ref}/attachments",
        {"material": "business_plan", "file": SimpleUploadedFile("plan.pdf", PDF)},
    )
    assert upload.status_code == 201, upload.content
    submitted = _send(
        client,
        "post",
        f"/api/v1/applications/{ref}/submit",
        {"lock_version": saved.json()["lock_version"]},
    )
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["state"] == ApplicationState.SUBMITTED


def test_an_incomplete_submission_is_refused_with_details_and_changes_nothing() -> None:
    applying_policy()
    client = _client(applicant(applicant_enterprise()))
    ref = _send(client, "post", "/api/v1/applications", {"policy": CODE}).json()["reference"]
    reply = _send(client, "post", f"/api/v1/applications/{ref}/submit", {"lock_version": 0})
    assert reply.status_code == 400
    details = reply.json()["error"]["details"]
    assert "project_name" in details
    assert "项目名称" in details["project_name"]
    assert Application.objects.get(reference=ref).state == ApplicationState.DRAFT


def test_unknown_fields_are_refused_and_the_draft_is_unchanged() -> None:
    applying_policy()
    client = _client(applicant(applicant_enterprise()))
    body = {"policy": CODE, "answers": {"project_name": "甲"}}
    ref = _send(client, "post", "/api/v1/applications", body).json()["reference"]
    reply = _send(
        client, "put", f"/api/v1/applications/{ref}/answers", {"answers": {"hack": "<script>"}}
    )
    assert reply.status_code == 400
    assert "hack" in reply.json()["error"]["message"]
    assert Application.objects.get(reference=ref).answers == {"project_name": "甲"}


def test_a_renamed_executable_is_refused_and_nothing_is_stored() -> None:
    applying_policy()
    client = _client(applicant(applicant_enterprise()))
    ref = _send(client, "post", "/api/v1/applications", {"policy": CODE}).json()["reference"]
    fake = SimpleUploadedFile("plan.pdf", b"MZ\x90\x00\x03" + b"\x00" * 200)
    reply = client.post(
        f"/api/v1/applications/{ref}/attachments", {"material": "business_plan", "file": fake}
    )
    assert reply.status_code == 400
    assert "plan.pdf" in reply.json()["error"]["message"]
    assert not Attachment.objects.exists()
    assert not StoredFile.objects.exists()


def test_another_enterprise_gets_404_and_staff_403() -> None:
    applying_policy()
    owner = _client(applicant(applicant_enterprise()))
    ref = _send(owner, "post", "/api/v1/applications", {"policy": CODE}).json()["reference"]
    stranger = _client(applicant(applicant_enterprise()))
    assert stranger.get(f"/api/v1/applications/{ref}").status_code == 404
    put = _send(stranger, "put", f"/api/v1/applications/{ref}/answers", {"answers": {}})
    assert put.status_code == 404
    department = _client(staff())
    assert department.get(f"/api/v1/applications/{ref}").status_code == 403
    assert _send(department, "post", "/api/v1/applications", {"policy": CODE}).status_code == 403
    assert Application.objects.count() == 1
