"""The demo park's award list (公示): a dozen offered enterprises confirm their subsidy, half of
them are paid, and the park publishes the list, so the award page and its open data (CSV, JSON)
have content out of the box. The demo enterprise's own offer stays open for it to answer."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

from jinqi.accounts.enums import Role
from jinqi.accounts.models import User
from jinqi.demo.accounts import DEMO_ENTERPRISE_USCC
from jinqi.demo.policies import DEMO_CODE
from jinqi.policies.enums import GrantState
from jinqi.policies.models import Grant, Policy
from jinqi.policies.services import awards_publish, grant_confirm, grant_disburse

AWARDED_FIRMS = 12


@transaction.atomic
def demo_awards_load(report: Callable[[str], None]) -> None:
    policy = Policy.objects.filter(code=DEMO_CODE).select_related("department").first()
    if policy is None:
        return
    if policy.awards_published_at is not None:
        report("awards already published; kept as they are")
        return
    park = User.objects.get(username=policy.department.code)
    offers = (
        Grant.objects.filter(policy=policy, state=GrantState.OFFERED)
        .exclude(enterprise__uscc=DEMO_ENTERPRISE_USCC)
        .select_related("enterprise")
        .order_by("position")[:AWARDED_FIRMS]
    )
    for index, grant in enumerate(offers):
        user, _created = User.objects.get_or_create(
            username=f"demo-grantee-{index + 1:02d}",
            defaults={
                "role": Role.ENTERPRISE,
                "full_name": grant.enterprise.name,
                "enterprise_uscc": grant.enterprise.uscc,
            },
        )
        user.set_unusable_password()
        user.save(update_fields=["password"])
        confirmed = grant_confirm(
            grant=grant,
            payee_account=f"中国工商银行上海市金山支行 1001 2{index:02d}7 0900 {4180 + index}",
            acting_user=user,
        )
        if index % 2 == 0:
            grant_disburse(grant=confirmed, acting_user=park)
    awards_publish(policy=policy, acting_user=park)
    report(f"awards: {len(offers)} confirmed and published")
