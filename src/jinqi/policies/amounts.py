"""Amounts computed by the rules (docs/adr/0017-amounts-and-offer-expiry.md).

A policy may state its amount as an expression of the rules language over the profile and its
dated parameters, written `{name}` (e.g. `{refund_share_large} * ui_contributions_last_year`),
with a calculation in words whose `{key}` placeholders are filled from the profile, the
parameters and the amount itself. The amount is in 万元, kept to the yuan (four decimals), and
exists only for an eligible enterprise whose data the expression needs is all there.

An amount decided on an application also reads the application's figures (`answers`: form
field keys, numbers in 万元), e.g. 金经委规〔2023〕2号 第3条: 10 % of the approved hardware and
software investment, at most 300 万元. The profile vocabulary is widened by those keys alone.
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
from jinqi.rules.types import FieldType, Vocabulary

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


def _vocabulary(answers: tuple[str, ...]) -> Vocabulary:
    """The profile vocabulary, and the application's figures as numbers when there are any."""
    base = rules_vocabulary()
    if not answers:
        return base
    fields = {**base.fields, **dict.fromkeys(answers, FieldType.NUMBER)}
    return Vocabulary(fields, base.derived, base.categorical)


@lru_cache(maxsize=512)
def amount_tree(sql: str, answers: tuple[str, ...] = ()) -> Node:
    """A numeric expression compiled once per text (parameters substituted)."""
    tree = compile_expression(sql, _vocabulary(answers))
    if tree.type not in NUMERIC:
        raise DomainError(_("The amount must be a number, not a condition or a text."))
    return tree


def amount_validate(
    expression: str, parameters: list[dict[str, Any]], answers: tuple[str, ...] = ()
) -> None:
    """Refuse an amount expression that does not compile to a number (any parameter it names
    must have been given a value at some date; any figure it reads besides the profile must be
    one of the application's `answers`)."""
    if not expression.strip():
        return
    known = {item["name"]: 1.0 for item in parameters}
    try:
        amount_tree(amount_sql(expression, known), tuple(answers))
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
    answers: Mapping[str, str] | None = None,
) -> Amount:
    """The amount for a prepared profile (`evaluation.prepared_profile`): None, with the
    reason in words, unless the enterprise is eligible and every value it needs is known.
    `answers` names the application's figures (key → label) that `profile` also holds."""
    if eligible is not True:
        return Amount(None, _("No amount: the enterprise is not found eligible."), estimate)
    figures = dict(answers or {})
    values = parameters_on(parameters, as_of)
    tree = amount_tree(amount_sql(expression, values), tuple(sorted(figures)))
    missing = [key for key in fields_used(tree) if profile.get(key) is None]
    result = value_of(tree, profile)
    if result is None or (isinstance(result, float) and math.isnan(result)):
        labels = "、".join(figures.get(key) or label(key) for key in missing)
        labels = labels or _("the data it needs")
        return Amount(None, _("No amount yet: missing %(labels)s.") % {"labels": labels}, estimate)
    amount = max(Decimal(str(result)), Decimal(0)).quantize(TO_THE_YUAN, ROUND_HALF_UP)
    words = calculation_words(calculation, profile, values, amount, figures)
    return Amount(amount, words, estimate, _inputs(fields_used(tree), profile, figures))


def _inputs(
    keys: list[str], profile: Mapping[str, Any], figures: Mapping[str, str]
) -> tuple[tuple[str, str, str], ...]:
    sources = {key: BY_KEY[key].source for key in keys if key in BY_KEY}
    names = dict(
        Department.objects.filter(code__in=set(sources.values())).values_list("code", "name")
    )
    return tuple(
        (
            figures.get(key) or label(key),
            _shown(key, profile.get(key), figures),
            _("the application")
            if key in figures
            else names.get(sources.get(key, ""), _("worked out by the platform")),
        )
        for key in keys
    )


def calculation_words(
    template: str,
    profile: Mapping[str, Any],
    parameters: Mapping[str, float],
    amount: Decimal,
    figures: Mapping[str, str] | None = None,
) -> str:
    """The calculation template filled in: profile values with their units, parameters as
    percentages, the application's figures in 万元, the amount in 万元."""
    words: dict[str, str] = {"amount": f"{_number(amount)} {UNIT}"}
    words.update({name: f"{_number(value * 100)}%" for name, value in parameters.items()})
    for _text, name, _spec, _conversion in string.Formatter().parse(template):
        if name and name not in words:
            words[name] = _shown(name, profile.get(name), figures or {})
    return template.format_map(words)


def _shown(key: str, value: Any, figures: Mapping[str, str] | None = None) -> str:
    if value is None:
        return _("no data")
    spec = BY_KEY.get(key)
    unit = UNIT if key in (figures or {}) else (spec.unit if spec else "")
    text = _number(value) if isinstance(value, int | float | Decimal) else str(value)
    return f"{text} {unit}".strip()


def _number(value: Any) -> str:
    return f"{float(value):,.4f}".rstrip("0").rstrip(".")
