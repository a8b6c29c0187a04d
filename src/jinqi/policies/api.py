"""The policies API: the public catalogue, and evaluating a profile against a policy."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router

from jinqi.core import clock
from jinqi.core.errors import DomainError
from jinqi.core.permissions import declares, ensure_capability
from jinqi.policies.evaluation import decide, decision_json, profile_problems, version_of
from jinqi.policies.models import Policy, RuleVersion
from jinqi.policies.permissions import EVALUATE
from jinqi.policies.schemas import DecisionOut, EvaluateIn

router = Router(tags=["policies"])


@router.post("/{policy_code}/evaluate", response=DecisionOut, openapi_extra=declares(EVALUATE))
def evaluate(request: HttpRequest, policy_code: str, data: EvaluateIn) -> dict[str, object]:
    """Decide a profile (vocabulary keys → values) against a policy's rule, as of a date
    (default today) with the current rule version unless `version` is given; `in_force` says
    whether the policy is valid on that date and does not change `eligible`."""
    ensure_capability(request.user, EVALUATE)
    policy = Policy.objects.filter(code=policy_code).exclude(state="draft").first()
    if policy is None:
        raise Http404
    try:
        version = version_of(policy, data.version)
    except RuleVersion.DoesNotExist:
        raise DomainError(
            _("The policy has no rule version %(number)s.") % {"number": data.version}
        ) from None
    problems = profile_problems(data.profile)
    if problems:
        raise DomainError(" ".join(problems), details=problems)
    as_of = data.as_of or clock.today()
    explanation = decide(version, data.profile, as_of)
    return decision_json(policy, version, explanation, as_of, data.profile)
