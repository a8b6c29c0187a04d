"""Applying to the alliance, admission with the first account, and who acts for a provider."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from jinqi.accounts.tests.factories import UserFactory
from jinqi.core import clock
from jinqi.core.errors import DomainError
from jinqi.core.models import WorkflowStep
from jinqi.notifications.models import Notification
from jinqi.providers import services
from jinqi.providers.enums import ProviderStatus
from jinqi.providers.models import ProviderMembership, ServiceProvider
from jinqi.providers.selectors import admitted_provider_for
from jinqi.providers.tests import factories as f

pytestmark = pytest.mark.django_db


def test_application_is_stored_with_its_qualifications_and_no_account():
    """An application creates the provider in `applied`, its documents, a log row, no user."""
    provider = f.applied_provider()
    assert provider.status == ProviderStatus.APPLIED
    assert provider.qualifications.count() == 1
    assert not provider.members.exists()
    assert WorkflowStep.objects.filter(
        workflow="providers.serviceprovider", to_state="applied"
    ).exists()


def test_invalid_credit_code_is_refused_and_nothing_stored():
    """A code with a wrong check digit is refused with the reason, and nothing is stored."""
    with pytest.raises(DomainError, match=r"统一社会信用代码|credit code"):
        f.applied_provider(uscc="91310116MA1JL0TT5X")
    assert not ServiceProvider.objects.exists()


def test_same_code_cannot_apply_twice():
    """A second application with the same code is refused."""
    first = f.applied_provider()
    with pytest.raises(DomainError):
        f.applied_provider(uscc=first.uscc)
    assert ServiceProvider.objects.count() == 1


def test_admission_makes_the_first_account_and_tells_it():
    """Admitting makes a provider user, its membership and a notice with the password link."""
    provider, user = f.admitted_provider()
    assert user.role == "provider" and not user.has_usable_password()
    assert admitted_provider_for(user) == provider
    assert Notification.objects.filter(recipient=user, kind="providers.admitted").exists()


def test_suspended_provider_acts_for_nobody():
    """After a suspension, the selector answers None; after reinstatement, the provider again."""
    provider, user = f.admitted_provider()
    office = f.office_user()
    services.provider_transition(
        provider=provider,
        action="suspend",
        lock_version=provider.lock_version,
        text="投诉核查中",
        acting_user=office,
    )
    assert admitted_provider_for(user) is None
    provider.refresh_from_db()
    services.provider_transition(
        provider=provider,
        action="reinstate",
        lock_version=provider.lock_version,
        text="核查完毕",
        acting_user=office,
    )
    assert admitted_provider_for(user) == provider


def test_suspension_needs_a_reason():
    """Suspending without a reason is refused and the provider stays admitted."""
    provider, _user = f.admitted_provider()
    with pytest.raises(DomainError):
        services.provider_transition(
            provider=provider,
            action="suspend",
            lock_version=provider.lock_version,
            text=" ",
            acting_user=f.office_user(),
        )
    provider.refresh_from_db()
    assert provider.status == ProviderStatus.ADMITTED


def test_a_user_belongs_to_one_provider_only():
    """The database refuses a second membership for the same user."""
    _first, user = f.admitted_provider()
    second, _other = f.admitted_provider()
    with pytest.raises(IntegrityError), transaction.atomic():
        ProviderMembership.objects.create(user=user, provider=second, joined_at=clock.now())


def test_other_roles_have_no_provider():
    """An enterprise user is nobody's provider."""
    assert admitted_provider_for(UserFactory(enterprise=True)) is None
