"""Offers expire (docs/adr/0017-amounts-and-offer-expiry.md): an offer the enterprise has not
answered by its last day (a number of working days after it was notified, set per policy)
expires; its place, or under pro rata its share of the budget, goes to the next in line in the
same allocation run. A reminder goes out a few working days before."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from jinqi.accounts.selectors import enterprise_users
from jinqi.accounts.services import system_user
from jinqi.core import clock
from jinqi.core.calendar import add_working_days
from jinqi.notifications.services import notification_send
from jinqi.policies.allocation import grant_step, places_fill
from jinqi.policies.enums import GrantState
from jinqi.policies.models import Grant


def offers_expire() -> int:
    """Expire every offer past its last day and offer the freed places to the next in line;
    remind the enterprises whose offers expire soon. Returns how many offers expired."""
    today = clock.today()
    actor = system_user()
    offered = Grant.objects.filter(state=GrantState.OFFERED, expires_on__isnull=False)
    expired = 0
    for grant in offered.filter(expires_on__lt=today).select_related("policy", "enterprise"):
        with transaction.atomic():
            grant_step(grant, "expire", actor, text=_("Not answered in time."), authorized=True)
            places_fill(grant.policy, actor)
        expired += 1
    for grant in offered.filter(expires_on__gte=today, reminded_at__isnull=True).select_related(
        "policy", "enterprise"
    ):
        assert grant.expires_on is not None  # filtered above
        if add_working_days(today, grant.policy.offer_reminder_days) >= grant.expires_on:
            _remind(grant)
    return expired


def _remind(grant: Grant) -> None:
    assert grant.expires_on is not None  # only offers with a last day are reminded
    notification_send(
        recipients=enterprise_users([grant.enterprise.uscc]),
        kind="policies.auto_grant",
        title=_("Please answer the offer of %(policy)s by %(day)s")
        % {"policy": grant.policy.title, "day": grant.expires_on.isoformat()},
        body=_("An offer not answered by then expires and goes to the next enterprise in line."),
        link=reverse("policies:mine"),
        dedup_key=f"grant:{grant.pk}:reminder",
    )
    Grant.objects.filter(pk=grant.pk).update(reminded_at=clock.now())
