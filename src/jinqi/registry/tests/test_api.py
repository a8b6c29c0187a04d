"""The data-exchange API: scoped tokens, masking by role, idempotent fact pushes, audit."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client, override_settings
from django.utils import translation

from jinqi.accounts.models import ApiToken
from jinqi.accounts.services import api_token_create, api_token_revoke, system_user
from jinqi.accounts.tests.factories import UserFactory, department_user
from jinqi.audit.enums import AuditAction
from jinqi.audit.models import AuditEvent
from jinqi.core import clock
from jinqi.core.errors import DomainError
from jinqi.registry.models import Delivery
from jinqi.registry.permissions import PUSH_FACTS, READ_PROFILES
from jinqi.registry.tests.factories import enterprise, stored_facts, with_wrong_check_digit

pytestmark = pytest.mark.django_db


def _post(client: Client, url: str, body: dict[str, Any], headers: dict[str, str]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json", headers=headers)


def _bearer(key: str, **extra: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}", **extra}


def _push_body(uscc: str, value: int = 5) -> dict[str, Any]:
    return {
        "uscc": uscc,
        "as_of": "2025-06-30",
        "facts": [{"key": "employees", "value": value, "year": 2024}],
    }


def test_department_token_pushes_facts_once_per_idempotency_key() -> None:
    """A retried push with the same Idempotency-Key records the facts once and replays 201."""
    firm = enterprise()
    _token, key = api_token_create(
        acting_user=system_user(), user=department_user("human-resources"), name="人社系统"
    )
    client = Client()
    headers = _bearer(key, **{"Idempotency-Key": "push-1"})
    first = _post(client, "/api/v1/registry/facts", _push_body(firm.uscc), headers=headers)
    again = _post(client, "/api/v1/registry/facts", _push_body(firm.uscc), headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again["Idempotent-Replayed"] == "true"
    assert len(stored_facts(firm, "employees")) == 1
    assert first.json()["recorded"][0]["source"] == "human-resources"


def test_token_without_the_push_scope_is_refused() -> None:
    """A read-only token cannot push facts, even though its user's role could."""
    firm = enterprise()
    _token, key = api_token_create(
        acting_user=system_user(), user=department_user(), name="只读", scopes=[READ_PROFILES]
    )
    response = _post(
        Client(), "/api/v1/registry/facts", _push_body(firm.uscc), headers=_bearer(key)
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert not Delivery.objects.exists()


def test_token_cannot_exceed_its_users_role() -> None:
    """A token for the lead office cannot be given the department-only push scope."""
    with translation.override("en"), pytest.raises(DomainError) as caught:
        api_token_create(
            acting_user=system_user(),
            user=UserFactory(lead_office=True),
            name="x",
            scopes=[PUSH_FACTS],
        )
    assert "registry.push_facts" in caught.value.message
    assert not ApiToken.objects.exists()


def test_revoked_token_is_refused() -> None:
    """After revocation the same key gets 401 and nothing is recorded."""
    firm = enterprise()
    token, key = api_token_create(acting_user=system_user(), user=department_user(), name="系统")
    api_token_revoke(token=token, acting_user=system_user())
    response = _post(
        Client(), "/api/v1/registry/facts", _push_body(firm.uscc), headers=_bearer(key)
    )
    assert response.status_code == 401
    assert not Delivery.objects.exists()


def test_bad_fact_gets_a_clear_error_and_nothing_is_recorded() -> None:
    """A negative headcount is refused in the API's error format; no fact is written."""
    firm = enterprise()
    _token, key = api_token_create(
        acting_user=system_user(), user=department_user("human-resources"), name="人社系统"
    )
    response = _post(
        Client(),
        "/api/v1/registry/facts",
        _push_body(firm.uscc, value=-1),
        headers=_bearer(key, **{"Accept-Language": "en"}),
    )
    assert response.status_code == 400
    assert "cannot be negative" in response.json()["error"]["message"]
    assert not Delivery.objects.exists()


def test_api_masks_personal_data_except_for_the_enterprise_itself() -> None:
    """Departments read masked names and phones; the enterprise reads its own unmasked, audited."""
    firm = enterprise(legal_representative="王大明", contact_phone="13912345678")
    _token, key = api_token_create(acting_user=system_user(), user=department_user(), name="系统")
    masked = Client().get(f"/api/v1/registry/enterprises/{firm.uscc}", headers=_bearer(key)).json()
    assert (masked["legal_representative"], masked["contact_phone"]) == ("王**", "139****5678")
    listed = Client().get("/api/v1/registry/enterprises", headers=_bearer(key)).json()
    assert listed["items"][0]["legal_representative"] == "王**"
    owner = UserFactory(enterprise=True, enterprise_uscc=firm.uscc)
    client = Client()
    client.force_login(owner)
    own = client.get(f"/api/v1/registry/enterprises/{firm.uscc}").json()
    assert own["legal_representative"] == "王大明"
    assert AuditEvent.objects.filter(action=AuditAction.READ_PERSONAL_DATA, actor=owner).exists()
    other = enterprise()
    assert client.get(f"/api/v1/registry/enterprises/{other.uscc}").status_code == 404


def test_every_api_call_is_audited_with_its_token() -> None:
    """Each authenticated call leaves an audit row naming the caller, the token and the status."""
    firm = enterprise()
    token, key = api_token_create(acting_user=system_user(), user=department_user(), name="系统")
    Client().get(f"/api/v1/registry/enterprises/{firm.uscc}/profile", headers=_bearer(key))
    row = AuditEvent.objects.get(action=AuditAction.API_CALL)
    assert row.object_repr == f"GET /api/v1/registry/enterprises/{firm.uscc}/profile"
    assert (row.object_id, row.changes) == ("200", {"token": token.pk})


@override_settings(API_RATE_LIMIT_PER_MINUTE=3)
def test_token_is_rate_limited() -> None:
    """Past the per-minute limit a token gets 429 in the API's error format."""
    _token, key = api_token_create(acting_user=system_user(), user=department_user(), name="系统")
    # The limit counts per wall-clock minute: frozen, the four calls cannot straddle two.
    with clock.frozen_at(clock.now()):
        statuses = [
            Client().get("/api/v1/registry/enterprises", headers=_bearer(key)).status_code
            for _ in range(4)
        ]
    assert statuses == [200, 200, 200, 429]


def test_department_imports_a_file_through_the_api(
    django_capture_on_commit_callbacks: Any,
) -> None:
    """A CSV posted to the API is queued, imported in the background as the token's department,
    and its status shows the rejected rows' report."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    firm = enterprise()
    _token, key = api_token_create(
        acting_user=system_user(), user=department_user("human-resources"), name="人社系统"
    )
    content = (
        f"uscc,employees_2025\n{firm.uscc},42\n{with_wrong_check_digit(firm.uscc)},7\n".encode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(
            "/api/v1/registry/imports",
            {"file": SimpleUploadedFile("人社数据.png", content), "as_of": "2026-06-30"},
            headers=_bearer(key),
        )
    assert response.status_code == 202, response.content
    status = Client().get(response.json()["status_url"], headers=_bearer(key)).json()
    assert (status["state"], status["rejected"]) == ("completed", 1)
    assert status["error_report"].startswith("/files/")
    [fact] = stored_facts(firm, "employees")
    assert (fact.value, fact.source.code) == (42, "human-resources")


def test_api_import_refuses_a_file_that_is_not_a_table() -> None:
    """A PNG sent as .csv is refused by content, with the accepted types named; nothing stored."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    _token, key = api_token_create(acting_user=system_user(), user=department_user(), name="系统")
    response = Client().post(
        "/api/v1/registry/imports",
        {"file": SimpleUploadedFile("data.csv", png)},
        headers=_bearer(key, **{"Accept-Language": "en"}),
    )
    assert response.status_code == 400
    assert "CSV, XLSX, PARQUET" in response.json()["error"]["message"]
    assert not Delivery.objects.exists()


def test_api_import_refuses_wrong_columns_at_once_and_queues_nothing(
    django_capture_on_commit_callbacks: Any,
) -> None:
    """A file whose columns cannot be imported is refused in the response; no import is queued."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from jinqi.core.models import StoredFile
    from jinqi.registry.models import ImportBatch

    _token, key = api_token_create(acting_user=system_user(), user=department_user(), name="系统")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = Client().post(
            "/api/v1/registry/imports",
            {"file": SimpleUploadedFile("data.csv", b"name,employees\nx,1\n")},
            headers=_bearer(key, **{"Accept-Language": "en"}),
        )
    assert response.status_code == 400
    assert "uscc" in response.json()["error"]["message"]
    assert callbacks == [] and not ImportBatch.objects.exists()
    assert not StoredFile.objects.filter(purpose="registry.import_file").exists()


def test_industry_filter_of_the_api_selects_by_code_prefix() -> None:
    """`?industry=C` lists an enterprise of C2614 and `?industry=A` does not (it was a 500 for
    every value: a `startswith` lookup on the foreign key)."""
    firm = enterprise()
    _token, key = api_token_create(acting_user=system_user(), user=department_user(), name="系统")
    client = Client()
    found = client.get("/api/v1/registry/enterprises?industry=c", headers=_bearer(key))
    assert found.status_code == 200
    assert [e["uscc"] for e in found.json()["items"]] == [firm.uscc]
    other = client.get("/api/v1/registry/enterprises?industry=A", headers=_bearer(key))
    assert other.status_code == 200 and other.json()["items"] == []
