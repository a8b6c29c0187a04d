"""The alliance's pages: the directory shows admitted providers only, the public form applies,
the office decides, the enterprise and its provider converse and rate."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from jinqi.accounts.tests.factories import department_user
from jinqi.providers.enums import NeedState, ProviderStatus
from jinqi.providers.models import ServiceNeed, ServiceProvider
from jinqi.providers.tests import factories as f
from jinqi.registry.uscc import generate_uscc

pytestmark = pytest.mark.django_db


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_directory_lists_admitted_providers_only():
    """An applied provider is not in the public directory; an admitted one is, by category."""
    admitted, _user = f.admitted_provider(name="金山明理律师事务所")
    f.applied_provider(name="金山待审律师事务所")
    page = _client().get(reverse("providers:directory"), {"category": "law_firm"})
    assert page.status_code == 200
    assert admitted.name in page.text and "金山待审律师事务所" not in page.text
    assert (
        "金山明理律师事务所"
        not in _client().get(reverse("providers:directory"), {"category": "accounting_firm"}).text
    )


def _application_post(**overrides):
    import random

    data = {
        "name": "上海金山公正会计师事务所",
        "uscc": generate_uscc(random.Random("view-apply")),
        "category": "accounting_firm",
        "towns": [f.town().pk],
        "description": "代理记账、审计。",
        "contact_person": "李会计",
        "contact_phone": "021-57001111",
        "contact_email": "audit@example.cn",
        "licence": f.licence(),
    }
    data.update(overrides)
    return _client().post(reverse("providers:apply"), data)


def test_public_application_creates_an_applied_provider():
    """The anonymous form stores the provider in `applied` with its licence."""
    response = _application_post()
    assert response.status_code == 200
    provider = ServiceProvider.objects.get()
    assert provider.status == ProviderStatus.APPLIED
    assert provider.qualifications.count() == 1


def test_application_with_an_executable_is_refused_and_nothing_stored():
    """A program named .pdf is refused at the file boundary with a Chinese sentence."""
    fake = SimpleUploadedFile("licence.pdf", b"MZ\x90\x00" + b"\x00" * 100, "application/pdf")
    response = _application_post(licence=fake, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert not ServiceProvider.objects.exists()


def test_application_with_a_wrong_credit_code_is_refused():
    """A wrong check digit is refused on the form and nothing is stored."""
    response = _application_post(uscc="91310116MA1JL0TT5X")
    assert response.status_code == 200
    assert "校验" in response.text or "check digit" in response.text
    assert not ServiceProvider.objects.exists()


def test_office_admits_and_another_department_gets_404():
    """The 区经委 admits through the page; the finance bureau does not find the page."""
    provider = f.applied_provider()
    url = reverse("providers:office_provider", args=[provider.pk])
    assert _client(department_user("finance")).get(url).status_code == 404
    office = _client(f.office_user())
    assert office.get(url).status_code == 200
    office.post(
        reverse("providers:office_act", args=[provider.pk]),
        {"action": "admit", "lock_version": provider.lock_version, "text": ""},
    )
    provider.refresh_from_db()
    assert provider.status == ProviderStatus.ADMITTED
    assert provider.members.count() == 1


def test_suspension_without_reason_is_refused_on_the_page():
    """Suspending without a reason leaves the provider admitted."""
    provider, _user = f.admitted_provider()
    _client(f.office_user()).post(
        reverse("providers:office_act", args=[provider.pk]),
        {"action": "suspend", "lock_version": provider.lock_version, "text": ""},
    )
    provider.refresh_from_db()
    assert provider.status == ProviderStatus.ADMITTED


def test_need_posted_answered_and_rated_through_the_pages():
    """The enterprise posts, the provider answers from its inbox, the enterprise rates once."""
    provider, provider_user = f.admitted_provider()
    _enterprise, user = f.enterprise_user()
    firm = _client(user)
    firm.post(
        reverse("providers:need_new"),
        {"category": "law_firm", "town": f.town().pk, "text": "需要审核劳动合同。"},
    )
    need = ServiceNeed.objects.get()
    lawyer = _client(provider_user)
    assert need.text in lawyer.get(reverse("providers:inbox")).text
    lawyer.post(
        reverse("providers:need_message", args=[need.pk]),
        {"lock_version": need.lock_version, "text": "请发送合同文本。"},
    )
    need.refresh_from_db()
    assert need.state == NeedState.ANSWERED and need.provider == provider
    firm.post(
        reverse("providers:need_rate", args=[need.pk]),
        {"lock_version": need.lock_version, "score": 5, "comment": "很专业"},
    )
    need.refresh_from_db()
    assert need.state == NeedState.RATED and need.rating.score == 5
    assert "5.0 / 5" in _client().get(reverse("providers:provider", args=[provider.pk])).text


def test_a_stranger_does_not_find_the_need():
    """Another enterprise and a provider of another category get 404 on a need."""
    _accountant, accountant_user = f.admitted_provider(category="accounting_firm")
    need = f.posted_need(*f.enterprise_user())
    _other, stranger = f.enterprise_user(f.registry_factories.enterprise(name="别家公司"))
    url = reverse("providers:need", args=[need.pk])
    assert _client(stranger).get(url).status_code == 404
    assert _client(accountant_user).get(url).status_code == 404


def test_suspended_provider_staff_are_refused_the_inbox():
    """After a suspension the inbox answers 403."""
    provider, user = f.admitted_provider()
    _client(f.office_user()).post(
        reverse("providers:office_act", args=[provider.pk]),
        {"action": "suspend", "lock_version": provider.lock_version, "text": "核查投诉"},
    )
    assert _client(user).get(reverse("providers:inbox")).status_code == 403


def test_figures_for_the_lead_office():
    """The lead office reads the figures page."""
    from jinqi.accounts.tests.factories import UserFactory

    f.admitted_provider(name="金山数字咨询有限公司", category="consulting_company")
    page = _client(UserFactory(lead_office=True)).get(reverse("providers:figures"))
    assert page.status_code == 200 and "金山数字咨询有限公司" in page.text
