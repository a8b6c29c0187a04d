"""Amounts computed by the rules (docs/adr/0017-amounts-and-offer-expiry.md).

A policy may state its amount as an expression of the rules language over the profile and its
dated parameters, written `{name}` (e.g. `{refund_share_large} * ui_contributions_last_year`),
with a calculation in words whose `{key}` placeholders are filled from the profile, the
parameters and the amount itself. The amount is in 万元, kept to the yuan (four decimals), and
exists only for an eligible enterprise whose data the expression needs is all there.
"""

from __future__ import annotations

import datetime
import math
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any

from django.utils.translation import gettext as _

from jinqi.accounts.models import Department
from jinqi.core.errors import DomainError
from jinqi.registry.rules_vocabulary import label, rules_vocabulary
from jinqi.registry.vocabulary import BY_KEY
from jinqi.rules import RuleError, compile_expression
from jinqi.rules.explain import value_of
from jinqi.rules.tree import Node, fields_used
from jinqi.rules.types import FieldType

UNIT = "万元"
TO_THE_YUAN = Decimal("0.0001")
PARAMETER = re.compile(r"\{([a-z][a-z0-9_]*)\}")
NUMERIC = (FieldType.INTEGER, FieldType.NUMBER)


@dataclass(frozen=True)
class Amount:
    """A policy's amount for one enterprise: the value in 万元 (None when there is none) and
    how it was reached, in words."""

    value: Decimal | None
    calculation: str
    estimate: bool = False  # 优惠测算: what a tax preference is worth, never paid
    # The values it was computed from: (label, value with unit, department that supplied it).
    inputs: tuple[tuple[str, str, str], ...] = ()

    def json(self) -> dict[str, Any]:
        value = float(self.value) if self.value is not None else None
        shown = {"value": value, "unit": UNIT, "calculation": self.calculation}
        return {**shown, "estimate": True} if self.estimate else shown


def parameters_on(parameters: list[dict[str, Any]], day: datetime.date) -> dict[str, float]:
    """Each dated parameter's value on `day`: the latest `from` on or before it."""
    chosen: dict[str, tuple[str, float]] = {}
    for item in parameters:
        start = str(item["from"])
        if start <= day.isoformat() and start >= chosen.get(item["name"], ("", 0.0))[0]:
            chosen[item["name"]] = (start, float(item["value"]))
    return {name: value for name, (_start, value) in chosen.items()}


def amount_sql(expression: str, parameters: Mapping[str, float]) -> str:
    """The expression with each `{parameter}` replaced by its value; a parameter without a
    value on that date is an error the department must see."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in parameters:
            raise DomainError(
                _("The amount uses the parameter %(name)s, which has no value on that date.")
                % {"name": name}
            )
        return repr(parameters[name])

    return PARAMETER.sub(value, expression)


@lru_cache(maxsize=512)
def amount_tree(sql: str) -> Node:
    """A numeric expression compiled once per text (parameters substituted)."""
    tree = compile_expression(sql, rules_vocabulary())
    if tree.type not in NUMERIC:
        raise DomainError(_("The amount must be a number, not a condition or a text."))
    return tree


def amount_validate(expression: str, parameters: list[dict[str, Any]]) -> None:
    """Refuse an amount expression that does not compile to a number (any parameter it names
    must have been given a value at some date)."""
    if not expression.strip():
        return
    known = {item["name"]: 1.0 for item in parameters}
    try:
        amount_tree(amount_sql(expression, known))
    except RuleError as error:
        raise DomainError(
            _("The amount is not a calculation the platform can make: %(fragment)s")
            % {"fragment": error.fragment or expression}
        ) from error


def amount_compute(
    *,
    expression: str,
    calculation: str,
    parameters: list[dict[str, Any]],
    profile: Mapping[str, Any],
    as_of: datetime.date,
    eligible: bool | None,
    estimate: bool = False,
) -> Amount:
    """The amount for a prepared profile (`evaluation.prepared_profile`): None, with the
    reason in words, unless the enterprise is eligible and every value it needs is known."""
    if eligible is not True:
        return Amount(None, _("No amount: the enterprise is not found eligible."), estimate)
    values = parameters_on(parameters, as_of)
    tree = amount_tree(amount_sql(expression, values))
    missing = [key for key in fields_used(tree) if profile.get(key) is None]
    result = value_of(tree, profile)
    if result is None or (isinstance(result, float) and math.isnan(result)):
        labels = "、".join(label(key) for key in missing) or _("the data it needs")
        return Amount(None, _("No amount yet: missing %(labels)s.") % {"labels": labels}, estimate)
    amount = max(Decimal(str(result)), Decimal(0)).quantize(TO_THE_YUAN, ROUND_HALF_UP)
    words = calculation_words(calculation, profile, values, amount)
    return Amount(amount, words, estimate, _inputs(fields_used(tree), profile))


def _inputs(keys: list[str], profile: Mapping[str, Any]) -> tuple[tuple[str, str, str], ...]:
    sources = {key: BY_KEY[key].source for key in keys if key in BY_KEY}
    names = dict(
        Department.objects.filter(code__in=set(sources.values())).values_list("code", "name")
    )
    return tuple(
        (
            label(key),
            _shown(key, profile.get(key)),
            names.get(sources.get(key, ""), _("worked out by the platform")),
        )
        for key in keys
    )


def calculation_words(
    template: str, profile: Mapping[str, Any], parameters: Mapping[str, float], amount: Decimal
) -> str:
    """The calculation template filled in: profile values with their units, parameters as
    percentages, the amount in 万元."""
    words: dict[str, str] = {"amount": f"{_number(amount)} {UNIT}"}
    words.update({name: f"{_number(value * 100)}%" for name, value in parameters.items()})
    for _text, name, _spec, _conversion in string.Formatter().parse(template):
        if name and name not in words:
            words[name] = _shown(name, profile.get(name))
    return template.format_map(words)


def _shown(key: str, value: Any) -> str:
    if value is None:
        return _("no data")
    spec = BY_KEY.get(key)
    unit = spec.unit if spec else ""
    text = _number(value) if isinstance(value, int | float | Decimal) else str(value)
    return f"{text} {unit}".strip()


def _number(value: Any) -> str:
    return f"{float(value):,.4f}".rstrip("0").rstrip(".")
