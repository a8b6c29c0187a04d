"""The data package through the API: only a consent in force of the caller's institution for
that enterprise opens it; everything else is a 403 with the reason. (That a financing token
reaches no other operation is walked over the whole schema in tests/test_financing_token.py.)"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from jinqi.accounts.services import api_token_create, system_user
from jinqi.audit.models import AuditEvent
from jinqi.core import clock
from jinqi.financing import services
from jinqi.financing.models import PackageRead
from jinqi.financing.permissions import READ_PACKAGE
from jinqi.financing.tests import factories
from jinqi.registry.tests.factories import facts

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today() -> Iterator[None]:
    with clock.frozen_at(dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)):
        yield


@pytest.fixture
def setting() -> dict[str, Any]:
    bank = factories.institution()
    officer = factories.member(bank)
    firm, owner = factories.firm_user(
        legal_representative_id_number="310116198001011234",
        legal_representative_phone="13900001111",
    )
    facts(firm, "human-resources", dt.date(2026, 6, 30), insured_employees_2025=42)
    facts(firm, "tax-jinshan", dt.date(2026, 6, 30), tax_credit_level="A")
    key = api_token_create(
        acting_user=system_user(), user=officer, name="信贷系统", scopes=[READ_PACKAGE]
    )[1]
    return {"bank": bank, "officer": officer, "firm": firm, "owner": owner, "key": key}


def _get(key: str, uscc: str, consent: Any = None) -> Any:
    query = f"?consent={consent}" if consent is not None else ""
    return Client().get(
        f"/api/v1/financing/packages/{uscc}{query}", headers={"Authorization": f"Bearer {key}"}
    )


def test_no_consent_is_refused(setting: dict[str, Any]) -> None:
    """Without a consent the package is a 403, and nothing is logged."""
    response = _get(setting["key"], setting["firm"].uscc)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert not PackageRead.objects.exists()


def test_unknown_enterprise_answers_as_one_without_consent(setting: dict[str, Any]) -> None:
    """A code the registry does not hold answers exactly like a known one without consent."""
    known = _get(setting["key"], setting["firm"].uscc, 1)
    unknown = _get(setting["key"], "91310000000000000X", 1)
    assert known.status_code == unknown.status_code == 403
    assert known.json()["error"]["message"] == unknown.json()["error"]["message"]


def test_consent_in_force_opens_the_package_and_logs_the_read(setting: dict[str, Any]) -> None:
    """With a consent in force the package comes with sources and dates; the read is logged
    and audited; the representative's identity stays out unless the consent names it."""
    consent = factories.consent(setting["owner"], setting["bank"])
    response = _get(setting["key"], setting["firm"].uscc, consent.pk)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["uscc"] == setting["firm"].uscc
    social = next(s for s in body["sections"] if s["key"] == "social_insurance")
    fact = next(f for f in social["facts"] if f["key"] == "insured_employees")
    assert fact["value"] == 42 and fact["as_of"] == "2026-06-30" and fact["source"]
    assert body["representative"] is None
    assert "310116198001011234" not in response.content.decode()
    [read] = PackageRead.objects.all()
    assert read.consent == consent and read.reader == setting["officer"] and read.channel == "api"
    assert AuditEvent.objects.filter(object_id=str(consent.pk), action="api_call").exists()


def test_representative_only_when_named(setting: dict[str, Any]) -> None:
    """A consent naming the legal representative's data puts the identity number and phone in."""
    consent = factories.consent(setting["owner"], setting["bank"], include_representative=True)
    body = _get(setting["key"], setting["firm"].uscc, consent.pk).json()
    assert body["representative"]["id_number"] == "310116198001011234"
    assert body["representative"]["phone"] == "13900001111"


def test_withdrawal_refuses_the_next_read(setting: dict[str, Any]) -> None:
    """Withdrawn, the consent opens nothing from the next request on, and says why."""
    consent = factories.consent(setting["owner"], setting["bank"])
    assert _get(setting["key"], setting["firm"].uscc, consent.pk).status_code == 200
    services.consent_withdraw(consent=consent, acting_user=setting["owner"])
    response = _get(setting["key"], setting["firm"].uscc, consent.pk)
    assert response.status_code == 403
    assert "2026-12-07" in response.json()["error"]["message"]
    assert PackageRead.objects.count() == 1


def test_expiry_refuses(setting: dict[str, Any]) -> None:
    """The day after its last day the consent is refused, with its end date."""
    consent = factories.consent(setting["owner"], setting["bank"], days=3)
    with clock.frozen_at(dt.datetime(2026, 12, 11, 9, 0, tzinfo=dt.UTC)):
        response = _get(setting["key"], setting["firm"].uscc, consent.pk)
    assert response.status_code == 403
    assert "2026-12-10" in response.json()["error"]["message"]


def test_another_enterprises_package_is_refused(setting: dict[str, Any]) -> None:
    """A consent of one enterprise does not open another's package."""
    consent = factories.consent(setting["owner"], setting["bank"])
    other, _user = factories.firm_user()
    assert _get(setting["key"], other.uscc, consent.pk).status_code == 403


def test_another_institutions_consent_is_refused(setting: dict[str, Any]) -> None:
    """A consent given to one institution does not open the package for another."""
    other_bank = factories.institution("金山融资担保有限公司", "guarantee")
    consent = factories.consent(setting["owner"], other_bank)
    assert _get(setting["key"], setting["firm"].uscc, consent.pk).status_code == 403
