"""Products for one enterprise: each product's eligibility rule decided on the enterprise's
profile today, with every condition in words (the registry's wording, as policies use it)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from jinqi.core.errors import DomainError
from jinqi.financing.models import Product
from jinqi.registry import selectors as registry_selectors
from jinqi.registry.models import Enterprise
from jinqi.registry.profile import profile_on
from jinqi.registry.rules_vocabulary import label, rule_validate, rules_vocabulary
from jinqi.registry.wording import readable
from jinqi.rules import Rule, compile_rule, explain
from jinqi.rules.tree import conditions


@lru_cache(maxsize=256)
def compiled(sql: str) -> Rule:
    """A stored product rule compiled once per process (validated when the product was saved)."""
    return compile_rule(sql, rules_vocabulary())


def rule_problem(sql: str) -> str:
    """Why a rule cannot be a product's eligibility, in the active language; empty when valid."""
    try:
        rule_validate(sql)
    except DomainError as error:
        return str(error)
    return ""


@dataclass(frozen=True)
class Reason:
    text: str  # the condition in words
    result: bool | None  # None: the data to decide it is missing


@dataclass(frozen=True)
class ProductVerdict:
    product: Product
    eligible: bool | None
    reasons: list[Reason]
    missing: list[str]  # labels of the fields whose absence leaves the decision open


def rule_in_words(sql: str) -> list[str]:
    """A product's conditions in words, for its public description."""
    return [readable(node) for node in conditions(compiled(sql).tree)]


def products_for(enterprise: Enterprise, today: dt.date) -> list[ProductVerdict]:
    """Every offered product decided for the enterprise, its profile prepared once."""
    profile = profile_on(registry_selectors.profile_dict(enterprise), today)
    verdicts = []
    for product in Product.objects.offered():
        rule = compiled(product.eligibility_sql)
        explanation = explain(rule, profile)
        reasons = [
            Reason(readable(node), result.result)
            for node, result in zip(conditions(rule.tree), explanation.conditions, strict=True)
        ]
        verdicts.append(
            ProductVerdict(
                product, explanation.eligible, reasons, [label(k) for k in explanation.missing]
            )
        )
    # Products for the enterprise first, then those open for want of data, then the others.
    order = {True: 0, None: 1, False: 2}
    return sorted(verdicts, key=lambda v: order[v.eligible])
