"""Needs: posted, answered by the first admitted provider, rated once; what the office reads."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from jinqi.core import clock
from jinqi.core.errors import DomainError
from jinqi.notifications.models import Notification
from jinqi.providers import selectors, services
from jinqi.providers.enums import NeedState, ProviderCategory
from jinqi.providers.models import ServiceRating
from jinqi.providers.tests import factories as f

pytestmark = pytest.mark.django_db


def test_a_posted_need_reaches_providers_of_its_category_and_town():
    """Staff of an admitted law firm serving the town see the need and are told; an accounting
    firm's staff and a law firm elsewhere do not."""
    _lawyer, lawyer_user = f.admitted_provider(towns=[f.town()])
    _far, far_user = f.admitted_provider(towns=[f.town("town-fengjing")])
    _accountant, accountant_user = f.admitted_provider(
        category=ProviderCategory.ACCOUNTING_FIRM, towns=[f.town()]
    )
    need = f.posted_need(*f.enterprise_user())
    assert list(selectors.needs_for_provider(lawyer_user)) == [need]
    assert not selectors.needs_for_provider(far_user).exists()
    assert not selectors.needs_for_provider(accountant_user).exists()
    assert Notification.objects.filter(recipient=lawyer_user, kind="providers.need").exists()


def test_first_answer_takes_the_need_up_and_starts_nothing_for_others():
    """The first provider to answer takes the need; another provider may no longer write."""
    first, first_user = f.admitted_provider()
    _second, second_user = f.admitted_provider()
    need = f.posted_need(*f.enterprise_user())
    services.need_message_send(
        need=need,
        text="可以协助，请提供合同。",
        lock_version=need.lock_version,
        acting_user=first_user,
    )
    need.refresh_from_db()
    assert need.state == NeedState.ANSWERED and need.provider == first
    assert need.answered_at is not None
    with pytest.raises(DomainError):
        services.need_message_send(
            need=need, text="我们也可以。", lock_version=need.lock_version, acting_user=second_user
        )
    assert need.messages.count() == 1


def test_picked_provider_only():
    """A need sent to one provider is open to that provider alone."""
    picked, picked_user = f.admitted_provider()
    _other, other_user = f.admitted_provider()
    need = f.posted_need(*f.enterprise_user(), provider=picked)
    assert need.picked
    assert selectors.needs_for_provider(picked_user).filter(pk=need.pk).exists()
    assert not selectors.needs_for_provider(other_user).filter(pk=need.pk).exists()


def test_suspended_provider_cannot_be_picked():
    """An enterprise cannot send a need to a provider that is not admitted."""
    provider, _user = f.admitted_provider()
    services.provider_transition(
        provider=provider,
        action="suspend",
        lock_version=provider.lock_version,
        text="暂停",
        acting_user=f.office_user(),
    )
    provider.refresh_from_db()
    enterprise, user = f.enterprise_user()
    with pytest.raises(DomainError):
        f.posted_need(enterprise, user, provider=provider)


def _answered(provider_user, enterprise=None):
    enterprise, user = f.enterprise_user(enterprise)
    need = f.posted_need(enterprise, user)
    services.need_message_send(
        need=need, text="已收到。", lock_version=need.lock_version, acting_user=provider_user
    )
    need.refresh_from_db()
    return need, user


def test_rating_once():
    """The enterprise rates an answered need once; a second rating is refused, and the database
    refuses a second row."""
    _provider, provider_user = f.admitted_provider()
    need, user = _answered(provider_user)
    services.need_rate(
        need=need, score=5, comment="专业、及时。", lock_version=need.lock_version, acting_user=user
    )
    need.refresh_from_db()
    assert need.state == NeedState.RATED
    with pytest.raises(DomainError):
        services.need_rate(
            need=need, score=1, comment="", lock_version=need.lock_version, acting_user=user
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceRating.objects.create(
            need=need, provider=need.provider, score=1, rated_by=user, rated_at=clock.now()
        )
    assert ServiceRating.objects.get().score == 5


def test_score_out_of_range_is_refused():
    """A score of 6 is refused and the need stays answered."""
    _provider, provider_user = f.admitted_provider()
    need, user = _answered(provider_user)
    with pytest.raises(DomainError):
        services.need_rate(
            need=need, score=6, comment="", lock_version=need.lock_version, acting_user=user
        )
    need.refresh_from_db()
    assert need.state == NeedState.ANSWERED


def test_another_enterprise_cannot_rate():
    """Only the enterprise that posted the need rates it."""
    _provider, provider_user = f.admitted_provider()
    need, _user = _answered(provider_user)
    _other, stranger = f.enterprise_user(f.registry_factories.enterprise(name="别家公司"))
    with pytest.raises(DomainError):
        services.need_rate(
            need=need, score=1, comment="", lock_version=need.lock_version, acting_user=stranger
        )
    assert not ServiceRating.objects.exists()


def test_office_reads_response_times_and_ratings():
    """The figures give each provider's mean hours to the first answer and its mean score."""
    provider, provider_user = f.admitted_provider()
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    with clock.frozen_at(start):
        enterprise, user = f.enterprise_user()
        need = f.posted_need(enterprise, user)
    with clock.frozen_at(start + dt.timedelta(hours=3)):
        services.need_message_send(
            need=need, text="可以。", lock_version=need.lock_version, acting_user=provider_user
        )
    need.refresh_from_db()
    services.need_rate(
        need=need, score=4, comment="", lock_version=need.lock_version, acting_user=user
    )
    (row,) = [r for r in selectors.provider_figures(f.office_user()) if r.provider == provider]
    assert (row.needs, row.answered, row.response_hours) == (1, 1, 3.0)
    assert (row.rating_average, row.rating_count) == (4, 1)
