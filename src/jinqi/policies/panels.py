"""The policies panel of the enterprise's own page, read from the stored matches and grants
(no live evaluation of every policy on each page view)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.http import HttpRequest

from jinqi.core import clock
from jinqi.policies import selectors
from jinqi.policies.enums import GrantState, Outcome
from jinqi.registry.selectors import enterprise_of

TOP = 3
GRANTS_SHOWN = 4


def policies_for_me_panel(request: HttpRequest) -> dict[str, Any] | None:
    enterprise = enterprise_of(request.user)
    if enterprise is None:
        return None
    matches = selectors.stored_matches(enterprise, clock.today())
    counts = dict(
        matches.order_by().values("outcome").annotate(n=Count("id")).values_list("outcome", "n")
    )
    top = list(matches.filter(outcome=Outcome.ELIGIBLE)[:TOP])
    if len(top) < TOP:
        top += list(matches.filter(outcome=Outcome.UNKNOWN)[: TOP - len(top)])
    grants = list(selectors.grants_of_enterprise(enterprise)[:GRANTS_SHOWN])
    offered = sum(g.state == GrantState.OFFERED for g in grants)
    return {
        "eligible": counts.get(Outcome.ELIGIBLE, 0),
        "unknown": counts.get(Outcome.UNKNOWN, 0),
        "top": top,
        "grants": grants,
        "offered_state": GrantState.OFFERED,
        "attention": offered > 0,
        "badge": offered,
    }
