"""Places under an auto-grant's quota and budget: who is offered (or granted) next, how a short
budget is shared pro rata, and one grant step on the version the caller read. Used by the
services and by offer expiry (policies/offers.py)."""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal
from typing import Any

from jinqi.accounts.models import User
from jinqi.core import clock
from jinqi.core.calendar import add_working_days
from jinqi.policies.enums import Allocation, GrantState
from jinqi.policies.models import Grant, Policy
from jinqi.policies.workflow import GRANT_WORKFLOW, HOLDING


def _places(policy: Policy) -> int | None:
    """How many grants may hold a place at once (None: no limit)."""
    limits = []
    if policy.quota is not None:
        limits.append(policy.quota)
    if (
        policy.allocation == Allocation.FIRST_MATCHED
        and policy.budget is not None
        and policy.grant_amount
        and not policy.pays_computed_amounts
    ):
        limits.append(int(policy.budget / policy.grant_amount))
    return min(limits) if limits else None


def places_fill(policy: Policy, acting_user: User) -> None:
    """Offer free places to those waiting, in line order; then share a short budget pro rata."""
    grants = Grant.objects.filter(policy=policy)
    holding = grants.filter(state__in=HOLDING).count()
    places = _places(policy)
    waiting = (
        grants.filter(state=GrantState.WAITING).order_by("position").select_related("enterprise")
    )
    free = None if places is None else max(places - holding, 0)
    action = "offer" if policy.needs_confirmation else "grant"
    # Computed amounts differ: first-matched places go in line order while the budget covers
    # the next claim in full.
    left = _budget_left(policy, grants) if policy.pays_computed_amounts else None
    for grant in waiting[:free] if free is not None else waiting:
        if left is not None:
            if (grant.claimed or 0) > left:
                break
            left -= grant.claimed or 0
        # A consequence of the step that freed the place, taken by the platform.
        grant_step(grant, action, acting_user, authorized=True, **_offer_terms(policy, action))
    if policy.allocation == Allocation.PRO_RATA:
        _share_budget(policy)


def _budget_left(policy: Policy, grants: Any) -> Decimal | None:
    if policy.budget is None or policy.allocation != Allocation.FIRST_MATCHED:
        return None
    held = sum((g.amount or Decimal(0)) for g in grants.filter(state__in=HOLDING))
    return policy.budget - held


def _offer_terms(policy: Policy, action: str) -> dict[str, Any]:
    """When the offer was made and, where the policy sets a time to answer, its last day."""
    if action != "offer":
        return {}
    terms: dict[str, Any] = {"offered_at": clock.now()}
    if policy.offer_expiry_days:
        terms["expires_on"] = add_working_days(clock.today(), policy.offer_expiry_days)
    return terms


def _share_budget(policy: Policy) -> None:
    """Pro rata (each allocation run): when the claims exceed the budget left after payments,
    each open grant gets its claim × budget left ÷ all claims (down to the cent, so the total
    never exceeds the budget; equal claims share equally); paid-out grants are not changed."""
    if policy.budget is None or not (policy.grant_amount or policy.pays_computed_amounts):
        return
    holders = Grant.objects.filter(policy=policy, state__in=HOLDING)
    paid = sum((g.amount or Decimal(0)) for g in holders.filter(state=GrantState.DISBURSED))
    open_grants = list(holders.exclude(state=GrantState.DISBURSED))
    claims = [g.claimed if g.claimed is not None else policy.grant_amount for g in open_grants]
    total = sum((c or Decimal(0)) for c in claims)
    if not open_grants or not total:
        return
    ratio = min(Decimal(1), max(policy.budget - paid, Decimal(0)) / total)
    for grant, claim in zip(open_grants, claims, strict=True):
        share = ((claim or Decimal(0)) * ratio).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
        Grant.objects.filter(pk=grant.pk).update(amount=min(share, claim or Decimal(0)))


def grant_step(
    grant: Grant,
    action: str,
    acting_user: User,
    *,
    text: str = "",
    authorized: bool = False,
    **changes: Any,
) -> Grant:
    """One step of the grant workflow on the version the caller read."""
    GRANT_WORKFLOW.apply(
        grant,
        action,
        lock_version=grant.lock_version,
        acting_user=acting_user,
        text=text,
        authorized=authorized,
        changes={**changes, "updated_at": clock.now()},
    )
    return grant
