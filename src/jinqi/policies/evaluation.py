"""Deciding one enterprise: its profile prepared for a date, the rule explained.

The JSON shape of `decision_json` is what `jinqi policies evaluate` prints and what
`POST /api/v1/policies/{code}/evaluate` returns.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.utils.translation import gettext as _

from jinqi.policies.amounts import Amount, amount_compute
from jinqi.policies.models import Policy, RuleVersion
from jinqi.registry.profile import profile_on
from jinqi.registry.rules_vocabulary import rules_vocabulary
from jinqi.rules import Explanation, Rule, compile_rule, explain
from jinqi.rules.errors import KIND_NAMES
from jinqi.rules.types import FieldType


@lru_cache(maxsize=2048)
def compiled(sql: str) -> Rule:
    """A stored rule compiled once per process (stored rules were validated when saved)."""
    return compile_rule(sql, rules_vocabulary())


_EXPECTED = {
    FieldType.BOOLEAN: (bool,),
    FieldType.INTEGER: (int,),
    FieldType.NUMBER: (int, float),
    FieldType.TEXT: (str,),
    FieldType.DATE: (str, datetime.date),
}


def profile_problems(values: Mapping[str, Any]) -> list[str]:
    """What is wrong with a profile given by a caller (unknown keys, values of the wrong
    type), in the active language; empty when it can be evaluated."""
    fields = rules_vocabulary().fields
    problems = []
    for key, value in values.items():
        kind = fields.get(key)
        if kind is None:
            problems.append(_("Unknown profile key %(key)s.") % {"key": key})
            continue
        if value is None:
            continue
        wrong_bool = isinstance(value, bool) and kind is not FieldType.BOOLEAN
        if wrong_bool or not isinstance(value, _EXPECTED[kind]):
            problems.append(
                _("%(key)s must be %(kind)s, not %(value)r.")
                % {"key": key, "kind": _(KIND_NAMES[kind.value]), "value": value}
            )
        elif kind is FieldType.DATE and isinstance(value, str):
            try:
                datetime.date.fromisoformat(value)
            except ValueError:
                problems.append(
                    _("%(key)s must be a date such as 2024-06-30, not %(value)r.")
                    % {"key": key, "value": value}
                )
    return problems


def prepared_profile(values: Mapping[str, Any], as_of: datetime.date) -> dict[str, Any]:
    """Vocabulary keys → values with the keys derived for `as_of` filled in (`profile_on`)."""
    return profile_on(values, as_of)


def in_force(policy: Policy, day: datetime.date) -> bool:
    return policy.valid_from <= day and (policy.valid_until is None or day <= policy.valid_until)


def version_of(policy: Policy, number: int | None = None) -> RuleVersion:
    versions = policy.versions.all()
    version = versions.filter(number=number).first() if number else versions.first()
    if version is None:
        raise RuleVersion.DoesNotExist
    return version


def decide(version: RuleVersion, values: Mapping[str, Any], as_of: datetime.date) -> Explanation:
    return decide_all([version], values, as_of)[0]


def decide_all(
    versions: Iterable[RuleVersion], values: Mapping[str, Any], as_of: datetime.date
) -> list[Explanation]:
    """Each rule decided on one enterprise, its profile prepared once for them all (preparing
    it costs milliseconds; a page of verdicts would otherwise pay that per policy)."""
    prepared = prepared_profile(values, as_of)
    return [explain(compiled(version.sql), prepared) for version in versions]


def amount_for(
    policy: Policy, values: Mapping[str, Any], as_of: datetime.date, eligible: bool | None
) -> Amount | None:
    """The policy's computed amount for a profile (None when the policy states none)."""
    if not policy.amount_expression:
        return None
    if policy.amount_answers:
        # Decided on an application (its figures), never from the profile alone.
        return Amount(None, _("The amount is computed from the figures given in the application."))
    return amount_compute(
        expression=policy.amount_expression,
        calculation=policy.amount_calculation,
        parameters=policy.parameters,
        profile=prepared_profile(values, as_of),
        as_of=as_of,
        eligible=eligible,
        estimate=policy.amount_is_estimate,
    )


def decision_json(
    policy: Policy,
    version: RuleVersion,
    explanation: Explanation,
    as_of: datetime.date,
    values: Mapping[str, Any],
) -> dict[str, Any]:
    """The decision; with `amount` ({value in 万元 or null, unit, calculation}) when the policy
    states one (pro-rata cuts apply to offers, not to this figure)."""
    amount = amount_for(policy, values, as_of, explanation.eligible)
    return {
        "policy": policy.code,
        "version": version.number,
        "in_force": in_force(policy, as_of),
        "eligible": explanation.eligible,
        "conditions": [
            {
                "text": condition.text,
                "result": condition.result,
                "values": {k: _plain(v) for k, v in condition.values.items()},
            }
            for condition in explanation.conditions
        ],
        **({"amount": amount.json()} if amount is not None else {}),
    }


def _plain(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value
