"""The financing pages: bad input is refused in Chinese with nothing stored; the catalogue is
the finance office's alone; the package page is refused with the reason after withdrawal."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import reverse

from jinqi.accounts.tests.factories import department_user
from jinqi.core import clock
from jinqi.financing import services
from jinqi.financing.models import FinancingRequest, PackageRead, Product
from jinqi.financing.tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today() -> Iterator[None]:
    with clock.frozen_at(dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)):
        yield


def _client(user: object) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_a_request_without_an_amount_is_refused_and_nothing_stored() -> None:
    """A negative amount is refused on the form, in Chinese; no request is created."""
    _firm, owner = factories.firm_user()
    response = _client(owner).post(
        reverse("financing:request_new"),
        {"amount": "-5", "term_months": "12", "purpose": "采购", "collateral": "none"},
    )
    assert response.status_code == 200
    assert "确保该值大于或等于" in response.content.decode()
    assert not FinancingRequest.objects.exists()


def test_only_the_finance_office_edits_the_catalogue() -> None:
    """Another department gets a 404; the office's invalid rule is refused and nothing changes."""
    product = Product.objects.get(code="batch-guarantee")
    url = reverse("financing:product_edit", kwargs={"pk": product.pk})
    assert _client(department_user("market-regulation")).get(url).status_code == 404
    office = _client(department_user("finance"))
    data = {
        "code": product.code,
        "name": product.name,
        "kind": product.kind,
        "summary": product.summary,
        "terms": product.terms,
        "max_amount": "1000",
        "max_term_months": "12",
        "rate_note": product.rate_note,
        "eligibility_sql": "no_such_field > 1",
        "sort_order": "10",
        "active": "on",
    }
    response = office.post(url, data, follow=True)
    assert "no_such_field" in response.content.decode()
    product.refresh_from_db()
    assert "no_such_field" not in product.eligibility_sql
    data["eligibility_sql"] = "employees >= 1"
    office.post(url, data)
    product.refresh_from_db()
    assert product.eligibility_sql == "employees >= 1"


def test_package_page_reads_then_refuses_after_withdrawal() -> None:
    """The institution reads the package on a page (logged); after withdrawal it is a 403
    saying when the enterprise withdrew."""
    bank = factories.institution()
    officer = factories.member(bank)
    firm, owner = factories.firm_user()
    consent = factories.consent(owner, bank)
    url = reverse("financing:package", kwargs={"uscc": firm.uscc, "consent": consent.pk})
    client = _client(officer)
    assert client.get(url).status_code == 200
    assert PackageRead.objects.get().channel == "page"
    services.consent_withdraw(consent=consent, acting_user=owner)
    response = client.get(url)
    assert response.status_code == 403
    assert "企业已于 2026-12-07 撤回本授权" in response.content.decode()
    assert PackageRead.objects.count() == 1
