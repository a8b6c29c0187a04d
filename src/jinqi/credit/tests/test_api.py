"""The credit API: department systems push records with scoped tokens, idempotently."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from jinqi.accounts.services import api_token_create, system_user
from jinqi.accounts.tests.factories import department_user
from jinqi.core import clock
from jinqi.credit.models import CreditRecord
from jinqi.credit.permissions import VIEW_DEPARTMENT
from jinqi.registry.tests.factories import enterprise

pytestmark = pytest.mark.django_db
URL = "/api/v1/credit/records"


@pytest.fixture(autouse=True)
def _today() -> Iterator[None]:
    with clock.frozen_at(dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)):
        yield


def _body(uscc: str, **change: Any) -> dict[str, Any]:
    return {
        "uscc": uscc,
        "kind": "penalty",
        "severity": "general",
        "domain": "market",
        "decision_number": "金市监处〔2026〕501号",
        "decided_on": "2026-03-10",
        "summary": "销售不合格产品",
        "legal_basis": "《中华人民共和国产品质量法》第四十九条",
        "fulfilled_on": "2026-04-01",
        **change,
    }


def _post(key: str, body: dict[str, Any], **headers: str) -> Any:
    return Client().post(
        URL,
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}", **headers},
    )


def _key(scopes: list[str] | None = None) -> str:
    """A market-regulation token: every capability of the role, or only `scopes`."""
    user = department_user("market-regulation")
    if scopes is None:
        return api_token_create(acting_user=system_user(), user=user, name="市场监管系统")[1]
    return api_token_create(acting_user=system_user(), user=user, name="只读", scopes=scopes)[1]


def test_a_push_stores_the_record_once_and_answers_its_dates() -> None:
    """201 with the dates the first time, 200 with the same record the second time."""
    firm = enterprise()
    key = _key()
    first = _post(key, _body(firm.uscc))
    again = _post(key, _body(firm.uscc))
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["earliest_repair_from"] == "2026-06-11"
    assert first.json()["takedown_on"] == "2027-03-11"
    assert again.json()["id"] == first.json()["id"]
    assert CreditRecord.objects.filter(enterprise=firm).count() == 1


def test_a_token_without_the_push_scope_is_refused() -> None:
    """A read-only token cannot push records; nothing is stored."""
    firm = enterprise()
    response = _post(_key([VIEW_DEPARTMENT]), _body(firm.uscc))
    assert response.status_code == 403
    assert not CreditRecord.objects.exists()


@pytest.mark.parametrize(
    "change",
    [
        {"decided_on": "2026-02-30"},
        {"severity": "grave"},
        {"fulfilled_on": "2026-03-01"},
        {"summary": "bad\u0007text"},
        {"uscc": "NOSUCHCODE"},
    ],
)
def test_bad_pushes_are_refused_with_a_message_and_store_nothing(change: dict[str, Any]) -> None:
    """Invalid dates, classes, texts and codes: a 4xx with a message, no record."""
    firm = enterprise()
    response = _post(_key(), {**_body(firm.uscc), **change})
    assert 400 <= response.status_code < 500
    assert response.json()["error"]["message"]
    assert not CreditRecord.objects.exists()


def test_the_department_lists_its_records() -> None:
    """GET lists the caller's department's records only."""
    firm = enterprise()
    key = _key()
    _post(key, _body(firm.uscc))
    listed = Client().get(URL, headers={"Authorization": f"Bearer {key}"})
    assert listed.status_code == 200
    assert [r["decision_number"] for r in listed.json()["items"]] == ["金市监处〔2026〕501号"]
    other = api_token_create(
        acting_user=system_user(), user=department_user("tax-jinshan"), name="税务"
    )[1]
    assert Client().get(URL, headers={"Authorization": f"Bearer {other}"}).json()["items"] == []
