"""The demo step: ten admitted providers, needs in every state with ratings, loaded once."""

from __future__ import annotations

import pytest

from jinqi.accounts.models import User
from jinqi.accounts.tests.factories import UserFactory, department_user
from jinqi.core.indicators import indicator
from jinqi.demo.accounts import DEMO_ENTERPRISE_USCC
from jinqi.demo.providers import PROVIDER_USERNAME, demo_providers_load
from jinqi.providers.enums import NeedState, ProviderStatus
from jinqi.providers.models import ServiceNeed, ServiceProvider, ServiceRating
from jinqi.providers.selectors import admitted_provider_for
from jinqi.registry.tests.factories import enterprise

pytestmark = pytest.mark.django_db


def test_demo_alliance_is_loaded_once() -> None:
    """Ten providers admitted, one waiting, one suspended; needs open, answered, rated and
    withdrawn; the demo provider login acts for the first law firm; a rerun changes nothing."""
    department_user("economy", username="economy")
    UserFactory(lead_office=True, username="lead")
    enterprise(uscc=DEMO_ENTERPRISE_USCC, name="上海金企示范化工有限公司")
    for n in range(53):
        enterprise(name=f"演示企业{n}")
    demo_providers_load(lambda _message: None)
    statuses = list(ServiceProvider.objects.values_list("status", flat=True))
    assert statuses.count(ProviderStatus.ADMITTED) == 10
    assert ProviderStatus.APPLIED in statuses and ProviderStatus.SUSPENDED in statuses
    states = set(ServiceNeed.objects.values_list("state", flat=True))
    assert states == set(NeedState.values)
    assert ServiceRating.objects.count() == 6
    login = User.objects.get(username=PROVIDER_USERNAME)
    assert admitted_provider_for(login).name == "上海金山明理律师事务所"  # type: ignore[union-attr]
    assert indicator("providers.rating_average").compute() is not None  # type: ignore[union-attr]
    demo_providers_load(lambda _message: None)
    assert ServiceProvider.objects.count() == 12
