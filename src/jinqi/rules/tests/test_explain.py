"""The Python executor: SQL's three-valued logic, and explanations that give each top-level
condition its result, the values it read and the base fields whose data is missing."""

from __future__ import annotations

import datetime
import importlib
import itertools
import math
from collections import Counter
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jinqi.rules import ConditionResult, compile_rule, evaluate, explain
from jinqi.rules.explain import PythonPack
from jinqi.rules.tests.support import VOCABULARY, arrow_table, profiles
from jinqi.rules.tests.support import rules as rules_strategy
from jinqi.rules.vector import Snapshot, evaluate_rows

# The module (the package's `explain` is the function of the same name).
explain_module = importlib.import_module("jinqi.rules.explain")
TRI = (True, False, None)


def kleene_and(a: bool | None, b: bool | None) -> bool | None:
    if a is False or b is False:
        return False
    return None if a is None or b is None else True


def kleene_or(a: bool | None, b: bool | None) -> bool | None:
    if a is True or b is True:
        return True
    return None if a is None or b is None else False


@pytest.mark.parametrize(("a", "b"), list(itertools.product(TRI, TRI)))
def test_and_or_follow_kleene_tables(a: bool | None, b: bool | None) -> None:
    """AND and OR over true, false and unknown follow Kleene's tables, as SQL does."""
    values = {"b": a, "c": b}
    assert evaluate(compile_rule("b AND c", VOCABULARY), values) is kleene_and(a, b)
    assert evaluate(compile_rule("b OR c", VOCABULARY), values) is kleene_or(a, b)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (True, {"NOT b": False, "b IS TRUE": True, "b IS NOT TRUE": False, "b IS FALSE": False}),
        (False, {"NOT b": True, "b IS TRUE": False, "b IS NOT TRUE": True, "b IS FALSE": True}),
        (None, {"NOT b": None, "b IS TRUE": False, "b IS NOT TRUE": True, "b IS FALSE": False}),
    ],
)
def test_not_and_is_true_with_unknown(value: bool | None, expected: dict[str, bool | None]) -> None:
    """NOT keeps unknown unknown; IS [NOT] TRUE/FALSE is never unknown."""
    for text, decision in expected.items():
        assert evaluate(compile_rule(text, VOCABULARY), {"b": value}) is decision, text
    assert evaluate(compile_rule("b IS NULL", VOCABULARY), {"b": value}) is (value is None)
    assert evaluate(compile_rule("b IS NOT FALSE", VOCABULARY), {"b": value}) is (
        value is not False
    )


@pytest.mark.parametrize(
    ("text", "values", "decision"),
    [
        ("i > 1", {"i": None}, None),
        ("i > 1", {}, None),  # a field absent from the profile is missing
        ("i IN (1, 2)", {"i": None}, None),
        ("i NOT IN (1, 2)", {"i": 3}, True),
        ("i BETWEEN 1 AND j", {"i": 2, "j": None}, None),
        ("i BETWEEN 1 AND j", {"i": 0, "j": None}, False),  # below the low bound: false anyway
        ("i NOT BETWEEN 1 AND j", {"i": 0, "j": None}, True),
        ("t LIKE 'a%'", {"t": None}, None),
        ("t NOT LIKE 'a%'", {"t": "ba"}, True),
        ("t LIKE 'a_c'", {"t": "a金c"}, True),
        ("t LIKE 'a%'", {"t": "A"}, False),
        ("COALESCE(i, j) = 2", {"i": None, "j": 2}, True),
        ("LEAST(i, j) = 2", {"i": None, "j": 2}, True),  # LEAST and GREATEST skip missing values
        ("GREATEST(i, j) IS NULL", {"i": None, "j": None}, True),
        ("i / j > 1", {"i": 3, "j": 0}, None),  # dividing by zero is unknown
        ("i / j = 1.5", {"i": 3, "j": 2}, True),  # division is real division
        ("CASE WHEN b THEN 1 END = 1", {"b": None}, None),
        ("CASE WHEN b THEN 1 ELSE 2 END = 2", {"b": None}, True),  # unknown does not choose
        ("n = 0.5", {"n": Decimal("0.5")}, True),
        ("n IS NULL", {"n": math.nan}, True),
        ("n > 0 OR n <= 0", {"n": math.nan}, None),
        ("d = '2024-02-29'", {"d": "2024-02-29"}, True),
        ("d = '2024-02-29'", {"d": datetime.datetime(2024, 2, 29, 13, 5)}, True),
        ("d > DATE '2024-01-01'", {"d": datetime.date(2023, 12, 31)}, False),
        ("ratio > 1", {"n": 3.0, "i": 2}, True),
        ("score IS NULL", {"n": 3.0, "i": 0, "j": 1}, True),
    ],
)
def test_evaluate_decides_true_false_or_unknown(
    text: str, values: dict[str, object], decision: bool | None
) -> None:
    """The decision follows SQL: a missing value makes a comparison unknown."""
    assert evaluate(compile_rule(text, VOCABULARY), values) is decision


def test_explanation_gives_each_condition_its_result_and_values() -> None:
    """Each operand of the top-level AND is a condition with its text, result and values."""
    rule = compile_rule("i > 10 AND t IN ('a', 'b') AND (b OR c)", VOCABULARY)
    explanation = explain(rule, {"i": 20, "t": "c", "b": False, "c": True})
    assert explanation.eligible is False
    assert explanation.conditions == [
        ConditionResult(text="i > 10", result=True, values={"i": 20}, missing=[]),
        ConditionResult(text="t IN ('a', 'b')", result=False, values={"t": "c"}, missing=[]),
        ConditionResult(text="b OR c", result=True, values={"b": False, "c": True}, missing=[]),
    ]
    assert explanation.missing == []


def test_unknown_decision_lists_the_missing_base_fields() -> None:
    """An unknown decision names the absent base fields of its unknown conditions, derived
    fields looked through."""
    rule = compile_rule("i > 10 AND ratio > 0.5 AND label = 'a' AND (b OR c)", VOCABULARY)
    explanation = explain(rule, {"i": 20, "n": None, "t": None, "s": "a", "b": None, "c": True})
    assert explanation.eligible is None
    results = [(c.text, c.result, c.missing) for c in explanation.conditions]
    assert results == [
        ("i > 10", True, []),
        ("ratio > 0.5", None, ["n"]),
        ("label = 'a'", True, ["t"]),  # t is missing, but COALESCE found s
        ("b OR c", True, ["b"]),
    ]
    assert explanation.missing == ["n"]  # only what leaves the decision unknown


def test_missing_fields_are_listed_once_in_first_use_order() -> None:
    """Fields missing from several unknown conditions are listed once, in order."""
    rule = compile_rule("j > 1 AND i > 1 AND i + j > 2 AND b", VOCABULARY)
    explanation = explain(rule, {"b": True})
    assert explanation.eligible is None
    assert explanation.missing == ["j", "i"]


def test_known_decision_has_no_missing_fields() -> None:
    """When missing data does not matter (a false condition decides), nothing is missing."""
    rule = compile_rule("i > 10 AND n > 1", VOCABULARY)
    explanation = explain(rule, {"i": 1})
    assert explanation.eligible is False
    assert explanation.conditions[1].result is None
    assert explanation.conditions[1].missing == ["n"]
    assert explanation.missing == []


def test_unknown_without_missing_data() -> None:
    """Dividing by zero leaves a condition unknown with no field to ask for."""
    rule = compile_rule("ratio > 1", VOCABULARY)
    explanation = explain(rule, {"n": 1.0, "i": 0})
    assert explanation.eligible is None
    assert explanation.conditions[0].values == {"n": 1.0, "i": 0, "ratio": None}
    assert explanation.missing == []


def test_derived_values_are_shown_with_their_bases() -> None:
    """A condition on a derived field shows the derived value and the base values it used."""
    rule = compile_rule("score >= 2 AND start > DATE '2022-06-01'", VOCABULARY)
    values = {"n": 3.0, "i": 2, "j": 1, "d": datetime.date(2021, 5, 1)}
    explanation = explain(rule, values)
    first, second = explanation.conditions
    assert first.text == "score >= 2"
    assert first.values == {"n": 3.0, "i": 2, "j": 1, "score": 2.5, "ratio": 1.5}
    assert first.result is True
    assert second.text == "start > CAST('2022-06-01' AS DATE)"
    assert second.values == {"d": datetime.date(2021, 5, 1), "start": datetime.date(2022, 1, 1)}
    assert second.result is False
    assert explanation.eligible is False


def test_single_condition_rule_is_its_own_condition() -> None:
    """A rule that is not an AND is explained as one condition."""
    rule = compile_rule("b OR i IS NULL", VOCABULARY)
    explanation = explain(rule, {"b": False})
    assert [c.text for c in explanation.conditions] == ["b OR (i IS NULL)"]
    assert explanation.eligible is True
    assert explanation.conditions[0].values == {"b": False, "i": None}


def test_values_are_normalised_as_the_rules_see_them() -> None:
    """NaN reads as missing, a Decimal as a float and ISO text in a date field as a date."""
    rule = compile_rule("n > 0 AND m > 0 AND d = '2024-01-02'", VOCABULARY)
    explanation = explain(rule, {"n": math.nan, "m": Decimal("1.5"), "d": "2024-01-02"})
    assert [c.values for c in explanation.conditions] == [
        {"n": None},
        {"m": 1.5},
        {"d": datetime.date(2024, 1, 2)},
    ]
    assert explanation.eligible is None
    assert explanation.missing == ["n"]


def test_explanation_agrees_with_evaluate() -> None:
    """explain's decision is evaluate's, and AND of the condition results."""
    rule = compile_rule("i > 1 AND (n IS NULL OR n < 3) AND NOT c", VOCABULARY)
    for values in ({"i": 2, "c": False}, {"i": 0}, {"i": 2, "n": 5.0, "c": None}, {}):
        explanation = explain(rule, values)
        assert explanation.eligible is evaluate(rule, values)
        combined: bool | None = True
        for condition in explanation.conditions:
            combined = kleene_and(combined, condition.result)
        assert combined is explanation.eligible


# A pack of rules for one enterprise -----------------------------------------------------------


def test_pack_decides_and_explains_each_rule_as_alone() -> None:
    """PythonPack gives each rule the decision, condition results and explanation it has alone."""
    texts = ["i > 10 AND b", "i > 10 OR c", "NOT (i > 10) AND ratio > 1", "label LIKE 'a%'"]
    rules = [compile_rule(text, VOCABULARY) for text in texts]
    pack = PythonPack(rules)
    for values in ({"i": 20, "b": True, "n": 30.0}, {"i": None, "c": True, "t": "ab"}, {}):
        decided = pack.decide(values)
        explained = pack.explanations(values)
        for k, rule in enumerate(rules):
            alone = explain(rule, values)
            assert decided[k][0] is evaluate(rule, values) is alone.eligible
            assert decided[k][1] == tuple(c.result for c in alone.conditions)
            assert explained[k] == alone
            assert pack.explanation(k, values, decided[k]) == alone


def test_pack_computes_a_shared_comparison_once_per_enterprise(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A comparison used by several rules of a pack is evaluated once per enterprise."""
    calls: Counter[str] = Counter()
    patched = {}
    for op, function in explain_module._COMPARE.items():

        def counting(a: object, b: object, op: str = op, function: Any = function) -> bool:
            calls[op] += 1
            return bool(function(a, b))

        patched[op] = counting
    monkeypatch.setattr(explain_module, "_COMPARE", patched)
    texts = ["i + j > 10 AND b", "i + j > 10 OR c", "NOT (i + j > 10)", "c AND i + j > 10"]
    pack = PythonPack([compile_rule(text, VOCABULARY) for text in texts])
    decided = pack.decide({"i": 4, "j": 9, "b": True, "c": False})
    assert [d[0] for d in decided] == [True, True, False, False]
    assert calls[">"] == 1


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(rules_strategy, min_size=1, max_size=8), rows=profiles)
def test_pack_agrees_with_the_vectorised_executor(
    texts: list[str], rows: list[dict[str, object]]
) -> None:
    """For any pack and profiles, PythonPack decides as the vectorised executor does."""
    pack_rules = [compile_rule(text, VOCABULARY) for text in texts]
    pack = PythonPack(pack_rules)
    snapshot_table = arrow_table(rows)
    for k, rule in enumerate(pack_rules):
        vector = evaluate_rows(rule, Snapshot(snapshot_table))
        assert [pack.decide(row)[k][0] for row in rows] == vector
