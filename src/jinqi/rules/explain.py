"""The Python executor: one enterprise at a time, with an explanation per condition.

SQL's three-valued logic: a missing value (None) makes a comparison unknown (None), AND and OR
follow Kleene's tables, and only a TRUE result is "eligible". Missing data makes the decision
unknown — "possibly eligible, data needed" — never silently "not eligible".

The tree is compiled once into nested Python closures (no interpretation per enterprise), and a
pack of rules shares its sub-expressions: a comparison used by many policies is evaluated once
per enterprise. That is what lets one enterprise be explained against hundreds of policies in
well under a millisecond.
"""

from __future__ import annotations

import datetime
import math
import operator
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache, lru_cache
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
Values = Mapping[str, Any]
Memo = list[Any]
Fn = Callable[[Values, Memo], Any]

_UNSET = object()
_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "=": operator.eq,
    "<>": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


@dataclass(slots=True)
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


class PythonPack:
    """A pack of rules compiled for one enterprise at a time.

    `decide(values)` gives each rule's decision and its top-level conditions' results (the
    facts of an explanation, cheap); `explanation(i, values, results)` dresses them up with the
    condition texts and the values read, for the rules someone looks at."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        counts: Counter[Node] = Counter()
        for rule in rules:
            counts.update(n for n in rule.tree.walk() if not isinstance(n, Const | Field))
        self._slots = {node: i for i, node in enumerate(n for n, c in counts.items() if c > 1)}
        self._compiled: dict[Node, Fn] = {}
        self._types: dict[str, FieldType] = {}
        self.rules = list(rules)
        self._conditions = [
            tuple(self._condition(c) for c in conditions(rule.tree)) for rule in self.rules
        ]
        # A rule that is a top-level AND is decided from its conditions' results.
        self._conjunction = [
            isinstance(rule.tree, Logic) and rule.tree.op == "and" for rule in self.rules
        ]
        # What an explanation shows of each condition, made when first asked for.
        self._shown: list[list[tuple[str, list[str], list[tuple[str, Fn]]]] | None] = [None] * len(
            self.rules
        )

    def prepare(self, values: Values) -> dict[str, Value]:
        """The values the rules read, as the rules see them (NaN missing, ISO text a date…)."""
        return {name: _normalise(values.get(name), kind) for name, kind in self._types.items()}

    def decide(self, values: Values) -> list[tuple[bool | None, tuple[bool | None, ...]]]:
        prepared = self.prepare(values)
        memo: Memo = [_UNSET] * len(self._slots)
        result = []
        for conjunction, parts in zip(self._conjunction, self._conditions, strict=True):
            outcomes = tuple([part(prepared, memo) for part in parts])
            if not conjunction:
                decision = outcomes[0]
            elif False in outcomes:
                decision = False
            else:
                decision = None if None in outcomes else True
            result.append((decision, outcomes))
        return result

    def explanations(self, values: Values) -> list[Explanation]:
        """Every rule's decision, explained."""
        prepared = self.prepare(values)
        memo: Memo = [_UNSET] * len(self._slots)
        return [
            self._explained(index, prepared, memo, decided)
            for index, decided in enumerate(self.decide(values))
        ]

    def explanation(
        self, index: int, values: Values, decided: tuple[bool | None, tuple[bool | None, ...]]
    ) -> Explanation:
        memo: Memo = [_UNSET] * len(self._slots)
        return self._explained(index, self.prepare(values), memo, decided)

    def _explained(
        self,
        index: int,
        prepared: dict[str, Value],
        memo: Memo,
        decided: tuple[bool | None, tuple[bool | None, ...]],
    ) -> Explanation:
        shown = self._shown[index]
        if shown is None:
            shown = self._shown[index] = [
                (
                    render(c),
                    fields_used(c),
                    [(d.name, self._compile(d)) for d in derived_used(c)],
                )
                for c in conditions(self.rules[index].tree)
            ]
        results = []
        for (text, names, derived), outcome in zip(shown, decided[1], strict=True):
            reads: dict[str, Value] = {name: prepared.get(name) for name in names}
            missing = [name for name in names if reads[name] is None]
            for name, compute in derived:
                reads[name] = compute(prepared, memo)
            results.append(ConditionResult(text, outcome, reads, missing))
        return Explanation(decided[0], results)

    # -- compiling the tree into closures --------------------------------------------------

    def _compile(self, node: Node) -> Fn:
        compiled = self._compiled.get(node)
        if compiled is None:
            compiled = self._build(node)
            slot = self._slots.get(node)
            if slot is not None:
                compiled = _shared(compiled, slot)
            self._compiled[node] = compiled
        return compiled

    def _build(self, node: Node) -> Fn:
        if isinstance(node, Field):
            self._types[node.name] = node.type
            name = node.name
            return lambda v, m: v.get(name)
        if isinstance(node, Const):
            constant = node.value
            return lambda v, m: constant
        if isinstance(node, Derived):
            return self._compile(node.expression)
        if isinstance(node, Logic):
            return _logic(node.op, [self._compile(item) for item in node.items])
        if isinstance(node, Not):
            operand = self._compile(node.operand)
            return lambda v, m: _not(operand(v, m))
        if isinstance(node, Compare):
            return self._comparison(node)
        if isinstance(node, Arith):
            return _arithmetic(node, self._compile(node.left), self._compile(node.right))
        if isinstance(node, Neg):
            operand = self._compile(node.operand)
            return lambda v, m: None if (x := operand(v, m)) is None else -x
        if isinstance(node, InList):
            return _in_list(self._compile(node.operand), node)
        if isinstance(node, Between):
            return _between(node, *(self._compile(n) for n in (node.operand, node.low, node.high)))
        if isinstance(node, IsNull):
            operand, negated = self._compile(node.operand), node.negated
            return lambda v, m: (operand(v, m) is None) != negated
        if isinstance(node, IsBool):
            operand, wanted, negated = self._compile(node.operand), node.value, node.negated
            return lambda v, m: ((x := operand(v, m)) is not None and bool(x) == wanted) != negated
        if isinstance(node, Like):
            operand, pattern, negated = (
                self._compile(node.operand),
                _like(node.pattern),
                node.negated,
            )
            return lambda v, m: (
                None
                if (x := operand(v, m)) is None
                else (pattern.fullmatch(x) is not None) != negated
            )
        if isinstance(node, Case):
            whens = [(self._compile(c), self._compile(x)) for c, x in node.whens]
            return _case(whens, self._compile(node.default))
        if isinstance(node, Call):
            return _call(node.name, [self._compile(arg) for arg in node.args])
        raise TypeError(f"unknown node {type(node).__name__}")

    def _condition(self, node: Node) -> Fn:
        """A top-level condition: True, False or None, whatever its node kind returns."""
        compiled = self._compile(node)
        if isinstance(node, Field | Case | Call | Derived):
            return lambda v, m: _bool(compiled(v, m))
        return compiled

    def _comparison(self, node: Compare) -> Fn:
        compare = _COMPARE[node.op]
        if isinstance(node.left, Field) and isinstance(node.right, Const):
            # The common case (a field against a threshold) in one closure.
            self._types[node.left.name] = node.left.type
            name, constant = node.left.name, node.right.value
            return lambda v, m: None if (x := v.get(name)) is None else compare(x, constant)
        left, right = self._compile(node.left), self._compile(node.right)

        def comparison(v: Values, m: Memo) -> Any:
            a = left(v, m)
            if a is None:
                return None
            b = right(v, m)
            return None if b is None else compare(a, b)

        return comparison


def evaluate(rule: Rule, values: Values) -> bool | None:
    """The decision alone: True, False or None (unknown)."""
    return _pack_of(rule).decide(values)[0][0]


def explain(rule: Rule, values: Values) -> Explanation:
    """The decision and, for each top-level condition, its result and the values it read."""
    pack = _pack_of(rule)
    return pack.explanation(0, values, pack.decide(values)[0])


def value_of(expression: Node, values: Values) -> Value:
    """An expression's value for one profile (a number, text…; None when unknown): what a
    policy's amount is computed with, by the same closures as the decisions."""
    pack = PythonPack([])
    compiled = pack._compile(expression)
    return compiled(pack.prepare(values), [])


@lru_cache(maxsize=4096)
def _pack_of(rule: Rule) -> PythonPack:
    return PythonPack([rule])


def _shared(compiled: Fn, slot: int) -> Fn:
    def shared(v: Values, m: Memo) -> Any:
        value = m[slot]
        if value is _UNSET:
            value = m[slot] = compiled(v, m)
        return value

    return shared


def _logic(op: str, items: list[Fn]) -> Fn:
    if op == "and":

        def conjunction(v: Values, m: Memo) -> Any:
            result: bool | None = True
            for item in items:
                value = item(v, m)
                if value is None:
                    result = None
                elif not value:
                    return False
            return result

        return conjunction

    def disjunction(v: Values, m: Memo) -> Any:
        result: bool | None = False
        for item in items:
            value = item(v, m)
            if value is None:
                result = None
            elif value:
                return True
        return result

    return disjunction


def _arithmetic(node: Arith, left: Fn, right: Fn) -> Fn:
    if node.op == "/":

        def divide(v: Values, m: Memo) -> Any:
            a, b = left(v, m), right(v, m)
            if a is None or b is None or b == 0:
                return None
            return float(a) / float(b)

        return divide
    apply = {"+": operator.add, "-": operator.sub, "*": operator.mul}[node.op]
    as_float = node.type is FieldType.NUMBER

    def arithmetic(v: Values, m: Memo) -> Any:
        a, b = left(v, m), right(v, m)
        if a is None or b is None:
            return None
        result = apply(a, b)
        return float(result) if as_float else result

    return arithmetic


def _in_list(operand: Fn, node: InList) -> Fn:
    wanted = [value.value for value in node.values]
    negated = node.negated
    return lambda v, m: None if (x := operand(v, m)) is None else (x in wanted) != negated


def _between(node: Between, operand: Fn, low: Fn, high: Fn) -> Fn:
    negated = node.negated

    def between(v: Values, m: Memo) -> Any:
        x, lo, hi = operand(v, m), low(v, m), high(v, m)
        inside = _and(
            None if x is None or lo is None else lo <= x,
            None if x is None or hi is None else x <= hi,
        )
        return _not(inside) if negated else inside

    return between


def _case(whens: list[tuple[Fn, Fn]], default: Fn) -> Fn:
    def case(v: Values, m: Memo) -> Any:
        for condition, value in whens:
            if condition(v, m) is True:
                return value(v, m)
        return default(v, m)

    return case


def _call(name: str, args: list[Fn]) -> Fn:
    if name == "abs":
        only = args[0]
        return lambda v, m: None if (x := only(v, m)) is None else abs(x)

    def call(v: Values, m: Memo) -> Any:
        present = [x for arg in args if (x := arg(v, m)) is not None]
        if not present:
            return None
        if name == "coalesce":
            return present[0]
        return min(present) if name == "least" else max(present)

    return call


def _bool(value: Any) -> bool | None:
    return None if value is None else bool(value)


def _and(a: bool | None, b: bool | None) -> bool | None:
    if a is False or b is False:
        return False
    if a is None or b is None:
        return None
    return True


def _not(a: Any) -> bool | None:
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
