"""Financing's writes: one institution per user, products with valid rules edited by the
finance office only, requests taken up with a due day in working days and escalated when late,
consents bounded in time, statistics weighted by amount, products decided for an enterprise."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from jinqi.accounts.tests.factories import UserFactory, department_user
from jinqi.core import clock
from jinqi.core.errors import DomainError, PermissionDenied
from jinqi.financing import services
from jinqi.financing.eligibility import products_for
from jinqi.financing.models import Consent, InstitutionMember, Product
from jinqi.financing.statistics import statistics
from jinqi.financing.tests import factories
from jinqi.notifications.models import Notification
from jinqi.registry.tests.factories import facts, industry

pytestmark = pytest.mark.django_db
MONDAY = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _today():
    with clock.frozen_at(MONDAY):
        yield


def test_one_institution_per_user() -> None:
    """A member of one institution cannot join another; a user of another role cannot join."""
    first, second = factories.institution(), factories.institution("金山融资担保", "guarantee")
    officer = factories.member(first)
    with pytest.raises(DomainError):
        services.institution_member_add(institution=second, user=officer, acting_user=officer)
    with pytest.raises(DomainError):
        services.institution_member_add(
            institution=second, user=UserFactory(lead_office=True), acting_user=officer
        )
    assert InstitutionMember.objects.get(user=officer).institution == first


def _product_data(**change: object) -> services.ProductData:
    data = {
        "code": "tech-loan",
        "name": "科创贷",
        "kind": "loan",
        "summary": "科技型企业信用贷款",
        "terms": "示例",
        "max_amount": Decimal(500),
        "max_term_months": 24,
        "rate_note": "示例",
        "eligibility_sql": "is_high_tech IS TRUE",
        **change,
    }
    return services.ProductData(**data)  # type: ignore[arg-type]


def test_finance_office_alone_edits_products_and_rules_must_be_valid() -> None:
    """Another department is refused; a rule naming an unknown field is refused with nothing
    stored; a valid product is saved and marked as example terms without a source."""
    with pytest.raises(PermissionDenied):
        services.product_save(
            product=None, data=_product_data(), acting_user=department_user("market-regulation")
        )
    office = department_user("finance")
    with pytest.raises(DomainError):
        services.product_save(
            product=None,
            data=_product_data(eligibility_sql="no_such_field > 1"),
            acting_user=office,
        )
    assert not Product.objects.filter(code="tech-loan").exists()
    product = services.product_save(product=None, data=_product_data(), acting_user=office)
    assert product.terms_are_example


def test_products_for_an_enterprise_with_reasons() -> None:
    """An agricultural small firm fits 惠农贷, each condition read in words with its result."""
    firm, _user = factories.firm_user(industry=industry("A0111", "稻谷种植"))
    facts(firm, "human-resources", dt.date(2026, 6, 30), employees_2025=12)
    facts(firm, "tax-jinshan", dt.date(2026, 6, 30), revenue_2025=800)
    verdicts = {v.product.code: v for v in products_for(firm, clock.today())}
    agri = verdicts["agri-loan"]
    assert agri.eligible is True
    assert all(r.result for r in agri.reasons)
    assert not any("industry_section" in r.text for r in agri.reasons)


def test_take_sets_the_due_day_in_working_days_and_escalation_follows(settings) -> None:
    """Taken up on a Monday with 3 working days, the request is due on Thursday; the Monday
    after, the daily job escalates it once to the finance office."""
    settings.FINANCING_DECIDE_WORKING_DAYS = 3
    bank = factories.institution()
    officer = factories.member(bank)
    _firm, owner = factories.firm_user()
    office = department_user("finance")
    request = factories.request(owner)
    request = services.request_transition(
        request=request, action="take", lock_version=request.lock_version, acting_user=officer
    )
    assert request.decide_due == dt.date(2026, 12, 10)
    assert services.requests_escalate(dt.date(2026, 12, 10)) == 0
    assert services.requests_escalate(dt.date(2026, 12, 14)) == 1
    assert services.requests_escalate(dt.date(2026, 12, 15)) == 0
    request.refresh_from_db()
    assert request.escalated_on == dt.date(2026, 12, 14)
    assert Notification.objects.filter(recipient=office, kind="financing.overdue").count() == 1


def test_grant_needs_terms_and_statistics_weight_the_rate_by_amount() -> None:
    """A grant without its terms is refused; two grants give the amount-weighted rate."""
    bank = factories.institution()
    officer = factories.member(bank)
    _firm, owner = factories.firm_user()
    for amount, rate in (("100", "4.00"), ("300", "3.00")):
        request = factories.request(owner, amount=amount)
        request = services.request_transition(
            request=request, action="take", lock_version=request.lock_version, acting_user=officer
        )
        with pytest.raises(DomainError):
            services.request_transition(
                request=request,
                action="grant",
                lock_version=request.lock_version,
                acting_user=officer,
            )
        services.request_transition(
            request=request,
            action="grant",
            lock_version=request.lock_version,
            acting_user=officer,
            terms=services.GrantTerms(Decimal(amount), Decimal(rate), 12),
        )
    figures = statistics()
    assert figures.total.granted == 2
    assert figures.total.granted_amount == Decimal(400)
    assert figures.total.weighted_rate == Decimal("3.25")  # (100×4 + 300×3) / 400
    assert figures.by_institution[0].label == bank.name
    assert figures.by_product[0].label == "批次担保"
    assert figures.total.days_to_decision == Decimal("0.0")


def test_consent_bounds() -> None:
    """A consent cannot start in the past, end before it starts or last more than a year; the
    enterprise may withdraw it once."""
    bank = factories.institution()
    _firm, owner = factories.firm_user()
    today = clock.today()
    for start, end in (
        (today - dt.timedelta(days=1), today),
        (today, today - dt.timedelta(days=1)),
        (today, today + dt.timedelta(days=366)),
    ):
        with pytest.raises(DomainError):
            factories.consent(owner, bank, valid_from=start, valid_until=end)
    assert not Consent.objects.exists()
    consent = factories.consent(owner, bank)
    services.consent_withdraw(consent=consent, acting_user=owner)
    with pytest.raises(DomainError):
        services.consent_withdraw(consent=consent, acting_user=owner)
    _other, stranger = factories.firm_user()
    with pytest.raises(PermissionDenied):
        services.consent_withdraw(consent=consent, acting_user=stranger)
