"""The Python executor: one enterprise, with an explanation per condition.

SQL's three-valued logic: a missing value (None) makes a comparison unknown (None), AND and OR
follow Kleene's tables, and only a TRUE result is "eligible". Missing data makes the decision
unknown — "possibly eligible, data needed" — never silently "not eligible".
"""

from __future__ import annotations

import datetime
import math
import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any

from jinqi.rules.parse import Rule
from jinqi.rules.render import render
from jinqi.rules.tree import (
    Arith,
    Between,
    Call,
    Case,
    Compare,
    Const,
    Derived,
    Field,
    InList,
    IsBool,
    IsNull,
    Like,
    Logic,
    Neg,
    Node,
    Not,
    Scalar,
    conditions,
    derived_used,
    fields_used,
)
from jinqi.rules.types import FieldType

Value = Scalar | None

_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "=": operator.eq,
    "<>": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


@dataclass(frozen=True)
class ConditionResult:
    text: str
    result: bool | None
    values: dict[str, Value]  # the fields (and derived fields) the condition reads
    missing: list[str] = field(default_factory=list)  # base fields without data


@dataclass(frozen=True)
class Explanation:
    eligible: bool | None
    conditions: list[ConditionResult]

    @property
    def missing(self) -> list[str]:
        """Base fields whose absence leaves the decision unknown (empty when it is known)."""
        if self.eligible is not None:
            return []
        seen: dict[str, None] = {}
        for condition in self.conditions:
            if condition.result is None:
                seen.update(dict.fromkeys(condition.missing))
        return list(seen)


def evaluate(rule: Rule, values: Mapping[str, Any]) -> bool | None:
    """The decision alone: True, False or None (unknown)."""
    result = _Evaluator(values).eval(rule.tree)
    return None if result is None else bool(result)


def explain(rule: Rule, values: Mapping[str, Any]) -> Explanation:
    """The decision and, for each top-level condition, its result and the values it read."""
    evaluator = _Evaluator(values)
    results = []
    for condition in conditions(rule.tree):
        outcome = evaluator.eval(condition)
        reads: dict[str, Value] = {name: evaluator.field(name) for name in fields_used(condition)}
        for derived in derived_used(condition):
            reads[derived.name] = evaluator.eval(derived)
        missing = [name for name in fields_used(condition) if reads[name] is None]
        results.append(
            ConditionResult(
                text=render(condition),
                result=None if outcome is None else bool(outcome),
                values=reads,
                missing=missing,
            )
        )
    decision = evaluator.eval(rule.tree)
    return Explanation(None if decision is None else bool(decision), results)


class _Evaluator:
    # The tree was type-checked when compiled, so each operand has the type its node needs;
    # mypy only sees the union of all values, hence the few `type: ignore`s below.
    def __init__(self, values: Mapping[str, Any]) -> None:
        self.values = values
        self.memo: dict[str, Value] = {}
        self.types: dict[str, FieldType] = {}

    def field(self, name: str) -> Value:
        return _normalise(self.values.get(name), self.types.get(name))

    def eval(self, node: Node) -> Value:
        if isinstance(node, Field):
            self.types[node.name] = node.type
            return self.field(node.name)
        if isinstance(node, Const):
            return node.value
        if isinstance(node, Derived):
            if node.name not in self.memo:
                self.memo[node.name] = self.eval(node.expression)
            return self.memo[node.name]
        if isinstance(node, Logic):
            return self.logic(node)
        if isinstance(node, Not):
            operand = self.eval(node.operand)
            return None if operand is None else not operand
        if isinstance(node, Compare):
            left, right = self.eval(node.left), self.eval(node.right)
            if left is None or right is None:
                return None
            return _COMPARE[node.op](left, right)
        if isinstance(node, Arith):
            return self.arithmetic(node)
        if isinstance(node, Neg):
            operand = self.eval(node.operand)
            return None if operand is None else -operand  # type: ignore[operator]
        if isinstance(node, InList):
            return self.in_list(node)
        if isinstance(node, Between):
            operand = self.eval(node.operand)
            low, high = self.eval(node.low), self.eval(node.high)
            inside = _and(
                None if operand is None or low is None else low <= operand,  # type: ignore[operator]
                None if operand is None or high is None else operand <= high,  # type: ignore[operator]
            )
            return _not(inside) if node.negated else inside
        if isinstance(node, IsNull):
            return (self.eval(node.operand) is None) != node.negated
        if isinstance(node, IsBool):
            operand = self.eval(node.operand)
            return (operand is not None and bool(operand) == node.value) != node.negated
        if isinstance(node, Like):
            operand = self.eval(node.operand)
            if operand is None:
                return None
            matched = _like(node.pattern).fullmatch(str(operand)) is not None
            return matched != node.negated
        if isinstance(node, Case):
            for condition, value in node.whens:
                if self.eval(condition) is True:
                    return self.eval(value)
            return self.eval(node.default)
        if isinstance(node, Call):
            return self.call(node)
        raise TypeError(f"unknown node {type(node).__name__}")

    def logic(self, node: Logic) -> Value:
        combine = _and if node.op == "and" else _or
        result: bool | None = node.op == "and"
        for item in node.items:
            result = combine(result, _bool(self.eval(item)))
        return result

    def arithmetic(self, node: Arith) -> Value:
        left, right = self.eval(node.left), self.eval(node.right)
        if left is None or right is None:
            return None
        if node.op == "/":
            return None if right == 0 else float(left) / float(right)  # type: ignore[arg-type]
        result = {"+": operator.add, "-": operator.sub, "*": operator.mul}[node.op](left, right)
        return float(result) if node.type is FieldType.NUMBER else result

    def in_list(self, node: InList) -> Value:
        operand = self.eval(node.operand)
        if operand is None:
            return None
        found = any(operand == value.value for value in node.values)
        return found != node.negated

    def call(self, node: Call) -> Value:
        args = [self.eval(arg) for arg in node.args]
        if node.name == "abs":
            return None if args[0] is None else abs(args[0])  # type: ignore[arg-type]
        present = [a for a in args if a is not None]
        if node.name == "coalesce":
            return present[0] if present else None
        if not present:
            return None
        return min(present) if node.name == "least" else max(present)


def _bool(value: Value) -> bool | None:
    return None if value is None else bool(value)


def _and(a: bool | None, b: bool | None) -> bool | None:
    if a is False or b is False:
        return False
    if a is None or b is None:
        return None
    return True


def _or(a: bool | None, b: bool | None) -> bool | None:
    if a is True or b is True:
        return True
    if a is None or b is None:
        return None
    return False


def _not(a: bool | None) -> bool | None:
    return None if a is None else not a


@cache
def _like(pattern: str) -> re.Pattern[str]:
    parts = ("." if c == "_" else ".*" if c == "%" else re.escape(c) for c in pattern)
    return re.compile("".join(parts), re.DOTALL)


def _normalise(value: Any, kind: FieldType | None) -> Value:
    """A profile value as the rules see it: NaN is missing, Decimal a float, ISO text a date."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, Decimal):
        return float(value)
    if kind is FieldType.DATE and isinstance(value, str):
        return datetime.date.fromisoformat(value)
    if kind is FieldType.DATE and isinstance(value, datetime.datetime):
        return value.date()
    return value
