"""The vectorised executor: a rule pack over every row of a columnar snapshot at once.

Columns come from Arrow as NumPy arrays, text as dictionary codes (a comparison with a constant
becomes an integer comparison, an IN list or LIKE a lookup table over the dictionary). A
condition is two row bitsets (64 rows a word): `true`, and `not_false` (true or unknown), so
Kleene logic is word-wise `&`, `|` and a swap, and where no operand is missing the two are the
same array and cost nothing extra. Every sub-expression that occurs more than once in the pack
(the same comparison in many rules) is computed once and dropped when its last user has read it.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from jinqi.rules.columns import (
    EPOCH,
    Mask,
    Num,
    Snapshot,
    Text,
    Tri,
    Value,
    as_text,
    code_of,
    merged,
    shared_codes,
)
from jinqi.rules.explain import _like
from jinqi.rules.parse import Rule
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
)
from jinqi.rules.types import FieldType


@dataclass(frozen=True)
class PackCounts:
    eligible: list[int]
    unknown: list[int]


def evaluate_pack(
    rules: Sequence[Rule],
    snapshot: Snapshot,
    on_result: Callable[[int, np.ndarray], None] | None = None,
) -> PackCounts:
    """Count eligible and unknown rows per rule; `on_result(i, true_mask)` sees each result
    as one bool per row."""
    evaluator = _Evaluator(snapshot, [rule.tree for rule in rules])
    snapshot.prefetch(_fields_in_order(rules))
    bits = snapshot.bits
    eligible, unknown = [], []
    for index, rule in enumerate(rules):
        result = evaluator.condition(rule.tree)
        count = bits.count(result.true)
        eligible.append(count)
        unknown.append(0 if result.known else bits.count(result.not_false) - count)
        if on_result is not None:
            on_result(index, bits.unpack(result.true))
    return PackCounts(eligible, unknown)


def _fields_in_order(rules: Sequence[Rule]) -> list[tuple[str, FieldType]]:
    seen: dict[str, FieldType] = {}
    for rule in rules:
        for node in rule.tree.walk():
            if isinstance(node, Field):
                seen.setdefault(node.name, node.type)
    return list(seen.items())


def evaluate_masks(rule: Rule, snapshot: Snapshot) -> tuple[np.ndarray, np.ndarray]:
    """One rule over every row: a bool per row for "true" and one for "unknown"."""
    result = _Evaluator(snapshot, [rule.tree]).condition(rule.tree)
    unknown = snapshot.bits.zero if result.known else result.not_false ^ result.true
    return snapshot.bits.unpack(result.true), snapshot.bits.unpack(unknown)


def evaluate_rows(rule: Rule, snapshot: Snapshot) -> list[bool | None]:
    """Each row's decision (True, False or None): the form the agreement tests compare."""
    true, unknown = evaluate_masks(rule, snapshot)
    return [True if t else (None if u else False) for t, u in zip(true, unknown, strict=True)]


def evaluate_numbers(expression: Node, snapshot: Snapshot) -> list[float | None]:
    """A numeric expression's value per row (None where unknown): a policy's amount over a
    table, by the same column operations as the decisions."""
    result = _Evaluator(snapshot, [expression]).number(expression)
    values = np.broadcast_to(np.asarray(result.values, dtype=np.float64), (snapshot.rows,))
    missing = np.isnan(values)
    if result.missing is not None:
        missing = missing | np.broadcast_to(np.asarray(result.missing, dtype=bool), missing.shape)
    return [None if gone else float(v) for v, gone in zip(values, missing, strict=True)]


class _Evaluator:
    def __init__(self, snapshot: Snapshot, trees: Iterable[Node]) -> None:
        self.snapshot = snapshot
        self.bits = snapshot.bits
        self.remaining: Counter[Node] = Counter()
        for tree in trees:
            self.remaining.update(n for n in tree.walk() if not isinstance(n, Const | Field))
        self.cache: dict[Node, Value] = {}
        # Bitsets of a column's missing rows, and of the rows that are present, made once.
        self.missing_bits: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        self.conditions: dict[str, Tri] = {}  # boolean columns as bitsets
        self.codes_seen: dict[tuple[int, int], tuple[np.ndarray, np.ndarray]] = {}

    # -- sharing ---------------------------------------------------------------------------

    def value(self, node: Node) -> Value:
        if isinstance(node, Const | Field):
            return self.compute(node)
        cached = self.cache.get(node)
        if cached is not None:
            self.release(node)
            return cached
        result = self.compute(node)
        self.remaining[node] -= 1
        if self.remaining[node] > 0:
            self.cache[node] = result
        return result

    def release(self, node: Node) -> None:
        """A cached result was read: its parts were not, but count as read."""
        for part in node.walk():
            if isinstance(part, Const | Field):
                continue
            self.remaining[part] -= 1
            if self.remaining[part] <= 0:
                self.cache.pop(part, None)

    def condition(self, node: Node) -> Tri:
        result = self.value(node)
        assert isinstance(result, Tri)
        return result

    def number(self, node: Node) -> Num:
        result = self.value(node)
        if isinstance(result, Tri):  # booleans compared with = / <> are 0/1 here
            unknown = None if result.known else self.bits.unpack(result.not_false ^ result.true)
            return Num(self.bits.unpack(result.true), unknown)
        assert isinstance(result, Num)
        return result

    def text(self, node: Node) -> Text:
        result = self.value(node)
        assert isinstance(result, Text)
        return result

    # -- three-valued logic on bitsets -----------------------------------------------------

    def tri(self, values: Mask, missing: Mask | None) -> Tri:
        """A condition from one bool per row, unknown where `missing`."""
        if missing is True:
            return Tri(self.bits.zero, self.bits.full)
        return self.tri_bits(self.bits.of(values), missing)

    def tri_bits(self, packed: np.ndarray, missing: Mask | None) -> Tri:
        """A condition from a bitset, unknown where `missing` (one bool per row)."""
        if missing is None or missing is False:
            return Tri(packed, packed)
        if missing is True:
            return Tri(self.bits.zero, self.bits.full)
        missing_bits, present_bits = self.missing_pair(missing)
        return Tri(packed & present_bits, packed | missing_bits)

    def code_bits(self, codes: np.ndarray, code: int) -> np.ndarray:
        """The rows of a text column holding one dictionary code, as a bitset made once and
        shared by every rule that tests that value (an IN list is then a few ORs)."""
        key = (id(codes), code)
        entry = self.codes_seen.get(key)
        if entry is None:  # the entry holds the array, so its id cannot be reused meanwhile
            entry = self.codes_seen[key] = (codes, self.bits.of(codes == code))
        return entry[1]

    def missing_pair(self, missing: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        entry = self.missing_bits.get(id(missing))
        if entry is None or entry[0] is not missing:
            bits = self.bits.of(missing)
            entry = (missing, bits, self.bits.invert(bits))
            self.missing_bits[id(missing)] = entry
        return entry[1], entry[2]

    def missing_of(self, value: Value) -> np.ndarray:
        """Bitset of the rows where the value is missing (unknown, for a condition)."""
        if isinstance(value, Tri):
            return self.bits.zero if value.known else value.not_false ^ value.true
        if value.missing is None or value.missing is False:
            return self.bits.zero
        if value.missing is True:
            return self.bits.full
        return self.missing_pair(value.missing)[0]

    def both(self, parts: Sequence[Tri]) -> Tri:
        true = parts[0].true
        for part in parts[1:]:
            true = true & part.true
        if all(p.known for p in parts):
            return Tri(true, true)
        not_false = parts[0].not_false
        for part in parts[1:]:
            not_false = not_false & part.not_false
        return Tri(true, not_false)

    def either(self, parts: Sequence[Tri]) -> Tri:
        true = parts[0].true
        for part in parts[1:]:
            true = true | part.true
        if all(p.known for p in parts):
            return Tri(true, true)
        not_false = parts[0].not_false
        for part in parts[1:]:
            not_false = not_false | part.not_false
        return Tri(true, not_false)

    def negate(self, value: Tri) -> Tri:
        if value.known:
            flipped = self.bits.invert(value.true)
            return Tri(flipped, flipped)
        return Tri(self.bits.invert(value.not_false), self.bits.invert(value.true))

    def known_condition(self, bits: np.ndarray) -> Tri:
        return Tri(bits, bits)

    # -- the node kinds --------------------------------------------------------------------

    def compute(self, node: Node) -> Value:
        if isinstance(node, Field):
            column = self.snapshot.column(node.name, node.type)
            if node.type is FieldType.BOOLEAN:
                if node.name not in self.conditions:
                    assert isinstance(column, Num)
                    self.conditions[node.name] = self.tri(column.values, column.missing)
                return self.conditions[node.name]
            return column
        if isinstance(node, Const):
            return self.constant(node)
        if isinstance(node, Derived):
            return self.value(node.expression)
        if isinstance(node, Logic):
            parts = [self.condition(item) for item in node.items]
            return self.both(parts) if node.op == "and" else self.either(parts)
        if isinstance(node, Not):
            return self.negate(self.condition(node.operand))
        if isinstance(node, Compare):
            return self.compare(node.op, node.left, node.right)
        if isinstance(node, Arith):
            return self.arithmetic(node)
        if isinstance(node, Neg):
            number = self.number(node.operand)
            return Num(-number.values, number.missing)
        if isinstance(node, InList):
            return self.in_list(node)
        if isinstance(node, Between):
            # The operand (never text) is read once for both bounds.
            operand = self.number(node.operand)
            low = self.compare_numbers(">=", operand, self.number(node.low))
            high = self.compare_numbers("<=", operand, self.number(node.high))
            inside = self.both([low, high])
            return self.negate(inside) if node.negated else inside
        if isinstance(node, IsNull):
            missing = self.missing_of(self.value(node.operand))
            return self.known_condition(self.bits.invert(missing) if node.negated else missing)
        if isinstance(node, IsBool):
            tested = self.condition(node.operand)
            result = tested.true if node.value else self.bits.invert(tested.not_false)
            return self.known_condition(self.bits.invert(result) if node.negated else result)
        if isinstance(node, Like):
            matches = _like(node.pattern).fullmatch
            return self.text_test(
                self.text(node.operand), lambda s: matches(s) is not None, node.negated
            )
        if isinstance(node, Case):
            return self.case(node)
        if isinstance(node, Call):
            return self.call(node)
        raise TypeError(f"unknown node {type(node).__name__}")

    def constant(self, node: Const) -> Value:
        if node.type is FieldType.BOOLEAN:
            if node.value is None:
                return Tri(self.bits.zero, self.bits.full)
            return self.known_condition(self.bits.of(bool(node.value)))
        if node.type is FieldType.TEXT:
            if node.value is None:
                return Text("", (), True)
            return Text(str(node.value))
        if node.value is None:
            return Num(0, True)
        return Num(_number(node.value))

    def compare(self, op: str, left_node: Node, right_node: Node) -> Tri:
        if left_node.type is FieldType.TEXT:
            left, right = self.text(left_node), self.text(right_node)
            if isinstance(right.codes, str) and isinstance(left.codes, str):
                equal: Mask = left.codes == right.codes
            elif isinstance(right.codes, str) or isinstance(left.codes, str):
                column, constant = (right, left) if isinstance(left.codes, str) else (left, right)
                code = code_of(column.dictionary, str(constant.codes))
                if len(column.dictionary) <= _SHARED_CODES:
                    packed = self.code_bits(column.codes, code)
                    if op != "=":
                        packed = self.bits.invert(packed)
                    return self.tri_bits(packed, _either(left.missing, right.missing))
                equal = column.codes == code
            else:
                left_codes, right_codes = shared_codes(left, right)
                equal = left_codes == right_codes
            result = equal if op == "=" else np.logical_not(equal)
            return self.tri(result, _either(left.missing, right.missing))
        return self.compare_numbers(op, self.number(left_node), self.number(right_node))

    def compare_numbers(self, op: str, left: Num, right: Num) -> Tri:
        result = _COMPARE[op](left.values, right.values)
        return self.tri(result, _either(left.missing, right.missing))

    def arithmetic(self, node: Arith) -> Num:
        left, right = self.number(node.left), self.number(node.right)
        missing = _either(left.missing, right.missing)
        if node.op == "/":
            # The ufunc casts as it goes (no float copies of integer columns); where the
            # divisor is 0 the quotient is inf or NaN, and the row missing.
            with np.errstate(divide="ignore", invalid="ignore"):
                quotient = np.divide(left.values, right.values, dtype=np.float64)
            zero = np.equal(right.values, 0)
            return Num(quotient, _either(missing, zero if np.any(zero) else None))
        values = _ARITHMETIC[node.op](left.values, right.values)
        if node.type is FieldType.NUMBER:
            values = np.asarray(values, dtype=np.float64)
        return Num(values, missing)

    def in_list(self, node: InList) -> Tri:
        if node.operand.type is FieldType.TEXT:
            wanted = {str(v.value) for v in node.values}
            return self.text_test(self.text(node.operand), wanted.__contains__, node.negated)
        number = self.number(node.operand)
        values = [_number(v.value) for v in node.values]
        if np.ndim(number.values):
            found: Mask = np.isin(number.values, values)
        else:
            found = number.values in values
        return self.tri(np.logical_not(found) if node.negated else found, number.missing)

    def text_test(self, operand: Text, test: Callable[[str], bool], negated: bool) -> Tri:
        if isinstance(operand.codes, str):
            return self.tri(test(operand.codes) != negated, operand.missing)
        passing = [test(s) != negated for s in operand.dictionary]
        hits = [code for code, ok in enumerate(passing) if ok]
        misses = [code for code, ok in enumerate(passing) if not ok]
        # Missing rows have a code of their own and are unknown whatever the test says.
        if len(operand.dictionary) <= _SHARED_CODES:
            wanted = hits if len(hits) <= len(misses) else misses
            packed = self.bits.zero
            for code in wanted:
                packed = packed | self.code_bits(operand.codes, code)
            if wanted is misses:
                packed = self.bits.invert(packed)
            return self.tri_bits(packed, operand.missing)
        if len(hits) <= _FEW_CODES:
            result = _any_equal(operand.codes, hits)
        elif len(misses) <= _FEW_CODES:
            result = np.logical_not(_any_equal(operand.codes, misses))
        else:
            result = np.take(np.array([*passing, False], dtype=bool), operand.codes)
        return self.tri(result, operand.missing)

    def case(self, node: Case) -> Value:
        result = self.value(node.default)
        for condition_node, value_node in reversed(node.whens):
            chosen = self.condition(condition_node).true
            result = self.select(chosen, self.value(value_node), result)
        return result

    def call(self, node: Call) -> Value:
        args = [self.value(arg) for arg in node.args]
        if node.name == "abs":
            first = args[0]
            assert isinstance(first, Num)
            return Num(np.abs(first.values), first.missing)
        result = args[0]
        for other in args[1:]:
            if node.name == "coalesce":
                result = self.select(self.bits.invert(self.missing_of(result)), result, other)
            else:
                result = self.extreme(node.name, result, other)
        return result

    def select(self, chosen: np.ndarray, when: Value, otherwise: Value) -> Value:
        """Row by row: `when` where the bitset `chosen` is set, else `otherwise`."""
        if isinstance(when, Tri) and isinstance(otherwise, Tri):
            other = self.bits.invert(chosen)
            true = (chosen & when.true) | (other & otherwise.true)
            if when.known and otherwise.known:
                return Tri(true, true)
            return Tri(true, (chosen & when.not_false) | (other & otherwise.not_false))
        rows = self.bits.unpack(chosen)
        if isinstance(when, Text) and isinstance(otherwise, Text):
            dictionary = merged(when, otherwise)
            when_codes = as_text(when, dictionary)
            other_codes = as_text(otherwise, dictionary)
            codes = np.where(rows, when_codes, other_codes).astype(np.int32)
            missing = codes == len(dictionary)
            return Text(codes, dictionary, missing if missing.any() else None)
        assert isinstance(when, Num) and isinstance(otherwise, Num)
        values = np.where(rows, when.values, otherwise.values)
        return Num(values, _where(rows, when.missing, otherwise.missing))

    def extreme(self, name: str, a: Value, b: Value) -> Value:
        """LEAST / GREATEST of two, skipping missing values as SQL engines do."""
        assert isinstance(a, Num) and isinstance(b, Num)
        pick = np.minimum if name == "least" else np.maximum
        a_missing = False if a.missing is None else a.missing
        b_missing = False if b.missing is None else b.missing
        both = pick(a.values, b.values)
        values = np.where(a_missing, b.values, np.where(b_missing, a.values, both))
        if a_missing is False or b_missing is False:
            return Num(values, None)
        return Num(values, np.logical_and(a_missing, b_missing))


_COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "=": np.equal,
    "<>": np.not_equal,
    "<": np.less,
    "<=": np.less_equal,
    ">": np.greater,
    ">=": np.greater_equal,
}
_ARITHMETIC: dict[str, Callable[[Any, Any], Any]] = {
    "+": np.add,
    "-": np.subtract,
    "*": np.multiply,
}


_FEW_CODES = 4
# Up to this many values, a text column's per-value bitsets are kept (412 KB each for 3.3 M rows).
_SHARED_CODES = 64


def _any_equal(codes: np.ndarray, wanted: list[int]) -> Mask:
    if not wanted:
        return False
    result = codes == wanted[0]
    for code in wanted[1:]:
        result |= codes == code
    return result


def _number(value: object) -> int | float:
    if isinstance(value, datetime.date):
        return (value - EPOCH).days
    assert isinstance(value, int | float)
    return value


def _either(a: Mask | None, b: Mask | None) -> Mask | None:
    if a is None or a is False:
        return b
    if b is None or b is False:
        return a
    return np.logical_or(a, b)


def _where(rows: np.ndarray, a: Mask | None, b: Mask | None) -> Mask | None:
    if (a is None or a is False) and (b is None or b is False):
        return None
    return np.where(rows, False if a is None else a, False if b is None else b)
