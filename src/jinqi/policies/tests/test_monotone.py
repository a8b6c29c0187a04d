"""Missing data never decides: for every shipped policy, removing a field from a profile can
only turn its verdict into "unknown", never into the opposite verdict (property test)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jinqi.policies.catalogue_sync import ShippedPolicy, shipped_policies
from jinqi.policies.evaluation import compiled
from jinqi.registry.rules_vocabulary import rules_vocabulary
from jinqi.rules import explain
from jinqi.rules.tree import fields_used
from jinqi.rules.types import FieldType

TEXT_VALUES = {
    "industry_code": ["C3511", "C1610", "F5111", "H6110", "K7010", "L7211", "R9011", "R8810"],
    "industry_section": ["B", "C", "D", "F", "H", "K", "L", "R"],
    "industry_division": ["06", "16", "26", "44", "88", "90"],
    "entity_type": ["enterprise", "individual_business", "other"],
    "tax_credit_level": ["A", "B", "M", "C", "D"],
    "size_class": ["large", "medium", "small", "micro"],
}
# Values at and around the catalogue's thresholds, and anything in between.
NUMBERS = st.sampled_from(
    [0, 0.055, 0.1, 0.2, 0.6, 1, 12, 30, 31, 70, 300, 500, 5000, 20000, 100000, 300000]
) | st.floats(0, 2_000_000, allow_nan=False)
INTEGERS = st.sampled_from([0, 1, 10, 11, 12, 29, 30, 31, 300, 301, 500, 501]) | st.integers(
    0, 5000
)


def _values(key: str, kind: FieldType) -> st.SearchStrategy[Any]:
    if kind is FieldType.BOOLEAN:
        return st.booleans()
    if kind is FieldType.INTEGER:
        return INTEGERS
    if kind is FieldType.NUMBER:
        return NUMBERS
    if kind is FieldType.DATE:
        return st.dates(dt.date(2000, 1, 1), dt.date(2026, 12, 31))
    return st.sampled_from(TEXT_VALUES.get(key, ["x"]))


def _profiles(shipped: ShippedPolicy) -> st.SearchStrategy[dict[str, Any]]:
    fields = rules_vocabulary().fields
    keys = fields_used(compiled(shipped.rule).tree)
    return st.fixed_dictionaries({}, optional={k: _values(k, fields[k]) for k in keys})


@pytest.mark.parametrize("shipped", shipped_policies(), ids=lambda p: p.code)
def test_removing_a_field_never_flips_a_verdict(shipped: ShippedPolicy) -> None:
    """Every profile over the rule's fields, with each field removed in turn: the verdict stays
    or becomes unknown."""
    rule = compiled(shipped.rule)

    @settings(max_examples=300, deadline=None)
    @given(_profiles(shipped))
    def check(profile: dict[str, Any]) -> None:
        verdict = explain(rule, profile).eligible
        for key in profile:
            fewer = {k: v for k, v in profile.items() if k != key}
            assert explain(rule, fewer).eligible in (verdict, None), (key, profile)

    check()
