"""The vectorised executor: a rule pack over every row of a columnar snapshot at once.

Columns come from Arrow as NumPy arrays, text as dictionary codes (a comparison with a constant
becomes an integer comparison, an IN list or LIKE a lookup table over the dictionary). A
condition is two boolean arrays: `true` and `not_false` (true or unknown), so Kleene logic is
plain `&`, `|` and swaps, and where a column has no missing value the two are the same array and
cost nothing extra. Every sub-expression that occurs more than once in the pack (the same
comparison in many rules) is computed once and dropped when its last user has read it.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

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

# A boolean ndarray, or a bool standing for the same value in every row (NumPy's typing of
# the operators on these is too loose for a narrower alias to help).
Mask = Any
EPOCH = datetime.date(1970, 1, 1)


@dataclass
class Tri:
    """A condition per row: `true`, and `not_false` (true or unknown; `true` ⊆ `not_false`)."""

    true: Mask
    not_false: Mask

    @property
    def known(self) -> bool:
        return self.not_false is self.true


@dataclass
class Num:
    """Numbers (dates as day numbers) per row; `missing` marks rows without a value."""

    values: Any  # ndarray or scalar
    missing: Mask | None = None


@dataclass
class Text:
    """Text per row as codes into `dictionary` (-1 for missing), or one constant."""

    codes: Any  # ndarray of int32, or the constant str
    dictionary: tuple[str, ...] = ()
    missing: Mask | None = None


Value = Tri | Num | Text


class Snapshot:
    """The columns of an Arrow table, converted once, on first use, as the rules need them."""

    def __init__(self, table: pa.Table) -> None:
        self.table = table.unify_dictionaries() if table.num_columns else table
        self.rows = table.num_rows
        self._columns: dict[str, Value] = {}

    def column(self, name: str, kind: FieldType) -> Value:
        if name not in self._columns:
            self._columns[name] = _convert(self.table.column(name), kind)
        return self._columns[name]


def _convert(column: pa.ChunkedArray, kind: FieldType) -> Value:
    array = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
    missing: np.ndarray | None = None
    if array.null_count:
        missing = array.is_null().to_numpy(zero_copy_only=False)
    if kind is FieldType.TEXT:
        if not pa.types.is_dictionary(array.type):
            array = pc.dictionary_encode(array)
        codes = pc.fill_null(array.indices, -1).to_numpy(zero_copy_only=False).astype(np.int32)
        dictionary = tuple(array.dictionary.to_pylist())
        return Text(codes, dictionary, missing)
    if kind is FieldType.BOOLEAN:
        values = pc.fill_null(array, False).to_numpy(zero_copy_only=False)
        return _tri_from(values, missing)
    if kind is FieldType.DATE:
        days = pc.fill_null(array.cast(pa.date32()).cast(pa.int32()), 0)
        return Num(days.to_numpy(zero_copy_only=False).astype(np.int64), missing)
    if kind is FieldType.INTEGER:
        values = pc.fill_null(array.cast(pa.int64()), 0).to_numpy(zero_copy_only=False)
        return Num(values, missing)
    values = pc.fill_null(array.cast(pa.float64()), 0.0).to_numpy(zero_copy_only=False)
    nan = np.isnan(values)
    if nan.any():  # NaN is missing data, as in the other executors
        missing = nan if missing is None else (missing | nan)
        values = np.where(nan, 0.0, values)
    return Num(values, missing)


def _tri_from(values: Mask, missing: Mask | None) -> Tri:
    if missing is None or missing is False:
        return Tri(values, values)
    return Tri(values & ~missing, values | missing)


@dataclass(frozen=True)
class PackCounts:
    eligible: list[int]
    unknown: list[int]


def evaluate_pack(
    rules: Sequence[Rule],
    snapshot: Snapshot,
    on_result: Callable[[int, np.ndarray], None] | None = None,
) -> PackCounts:
    """Count eligible and unknown rows per rule; `on_result(i, true_mask)` sees each result."""
    evaluator = _Evaluator(snapshot, [rule.tree for rule in rules])
    eligible, unknown = [], []
    for index, rule in enumerate(rules):
        result = evaluator.condition(rule.tree)
        true = _full(result.true, snapshot.rows)
        count = int(np.count_nonzero(true))
        eligible.append(count)
        unknown.append(0 if result.known else int(np.count_nonzero(result.not_false)) - count)
        if on_result is not None:
            on_result(index, true)
    return PackCounts(eligible, unknown)


def evaluate_rows(rule: Rule, snapshot: Snapshot) -> list[bool | None]:
    """Each row's decision (True, False or None): the form the agreement tests compare."""
    result = _Evaluator(snapshot, [rule.tree]).condition(rule.tree)
    true = _full(result.true, snapshot.rows)
    not_false = _full(result.not_false, snapshot.rows)
    return [True if t else (None if nf else False) for t, nf in zip(true, not_false, strict=True)]


def _full(mask: Mask, rows: int) -> np.ndarray:
    if isinstance(mask, np.ndarray):
        return mask
    return np.full(rows, bool(mask))


class _Evaluator:
    def __init__(self, snapshot: Snapshot, trees: Iterable[Node]) -> None:
        self.snapshot = snapshot
        self.remaining: Counter[Node] = Counter()
        for tree in trees:
            self.remaining.update(n for n in tree.walk() if not isinstance(n, Const | Field))
        self.cache: dict[Node, Value] = {}

    # -- sharing ---------------------------------------------------------------------------

    def value(self, node: Node) -> Value:
        if isinstance(node, Const | Field):
            return self.compute(node)
        cached = self.cache.get(node)
        if cached is not None:
            self.release(node, include_self=True)
            return cached
        result = self.compute(node)
        self.remaining[node] -= 1
        if self.remaining[node] > 0:
            self.cache[node] = result
        return result

    def release(self, node: Node, *, include_self: bool) -> None:
        """A cached result was read: its sub-expressions were not, but count as read."""
        for part in node.walk():
            if isinstance(part, Const | Field) or (part is node and not include_self):
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
            missing = None if result.known else (result.not_false & ~result.true)
            return Num(result.true, missing)
        assert isinstance(result, Num)
        return result

    def text(self, node: Node) -> Text:
        result = self.value(node)
        assert isinstance(result, Text)
        return result

    # -- the node kinds --------------------------------------------------------------------

    def compute(self, node: Node) -> Value:
        if isinstance(node, Field):
            return self.snapshot.column(node.name, node.type)
        if isinstance(node, Const):
            return _constant(node)
        if isinstance(node, Derived):
            return self.value(node.expression)
        if isinstance(node, Logic):
            return self.logic(node)
        if isinstance(node, Not):
            operand = self.condition(node.operand)
            if operand.known:
                flipped = (
                    ~operand.true if isinstance(operand.true, np.ndarray) else not operand.true
                )
                return Tri(flipped, flipped)
            return Tri(_invert(operand.not_false), _invert(operand.true))
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
            low = self.compare(">=", node.operand, node.low)
            high = self.compare("<=", node.operand, node.high)
            inside = _and([low, high])
            return _not(inside) if node.negated else inside
        if isinstance(node, IsNull):
            missing = _missing(self.value(node.operand))
            result = _invert(missing) if node.negated else missing
            return Tri(result, result)
        if isinstance(node, IsBool):
            tested = self.condition(node.operand)
            result = tested.true if node.value else _invert(tested.not_false)
            result = _invert(result) if node.negated else result
            return Tri(result, result)
        if isinstance(node, Like):
            pattern = _like(node.pattern)
            matches = pattern.fullmatch
            return _text_test(
                self.text(node.operand), lambda s: matches(s) is not None, node.negated
            )
        if isinstance(node, Case):
            return self.case(node)
        if isinstance(node, Call):
            return self.call(node)
        raise TypeError(f"unknown node {type(node).__name__}")

    def logic(self, node: Logic) -> Tri:
        parts = [self.condition(item) for item in node.items]
        return _and(parts) if node.op == "and" else _or(parts)

    def compare(self, op: str, left_node: Node, right_node: Node) -> Tri:
        if left_node.type is FieldType.TEXT:
            left, right = self.text(left_node), self.text(right_node)
            if isinstance(right.codes, str) and isinstance(left.codes, str):
                equal: Mask = left.codes == right.codes
            elif isinstance(right.codes, str) or isinstance(left.codes, str):
                column, constant = (right, left) if isinstance(left.codes, str) else (left, right)
                code = _code_of(column.dictionary, str(constant.codes))
                equal = column.codes == code
                left, right = column, constant
            else:
                left_codes, right_codes = _shared_codes(left, right)
                equal = left_codes == right_codes
            result = equal if op == "=" else _invert(equal)
            return _tri_from(result, _either(left.missing, right.missing))
        left_num, right_num = self.number(left_node), self.number(right_node)
        result = _COMPARE[op](left_num.values, right_num.values)
        return _tri_from(result, _either(left_num.missing, right_num.missing))

    def arithmetic(self, node: Arith) -> Num:
        left, right = self.number(node.left), self.number(node.right)
        missing = _either(left.missing, right.missing)
        if node.op == "/":
            numerator = np.asarray(left.values, dtype=np.float64)
            denominator = np.asarray(right.values, dtype=np.float64)
            zero = denominator == 0
            with np.errstate(divide="ignore", invalid="ignore"):
                quotient = numerator / np.where(zero, 1.0, denominator)
            return Num(quotient, _either(missing, zero if np.any(zero) else None))
        values = _ARITHMETIC[node.op](left.values, right.values)
        if node.type is FieldType.NUMBER:
            values = np.asarray(values, dtype=np.float64)
        return Num(values, missing)

    def in_list(self, node: InList) -> Tri:
        if node.operand.type is FieldType.TEXT:
            operand = self.text(node.operand)
            wanted = {str(v.value) for v in node.values}
            return _text_test(operand, wanted.__contains__, node.negated)
        number = self.number(node.operand)
        values = [_number(v.value) for v in node.values]
        found: Mask = (
            np.isin(number.values, values) if np.ndim(number.values) else (number.values in values)
        )
        return _tri_from(_invert(found) if node.negated else found, number.missing)

    def case(self, node: Case) -> Value:
        result = self.value(node.default)
        for condition_node, value_node in reversed(node.whens):
            chosen = self.condition(condition_node).true
            result = _select(chosen, self.value(value_node), result)
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
                result = _select(_invert(_missing(result)), result, other)
            else:
                result = _extreme(node.name, result, other)
        return result


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


def _constant(node: Const) -> Value:
    if node.type is FieldType.BOOLEAN:
        if node.value is None:
            return Tri(False, True)
        return Tri(bool(node.value), bool(node.value))
    if node.type is FieldType.TEXT:
        if node.value is None:
            return Text("", (), True)
        return Text(str(node.value))
    if node.value is None:
        return Num(0, True)
    return Num(_number(node.value))


def _number(value: object) -> int | float:
    if isinstance(value, datetime.date):
        return (value - EPOCH).days
    assert isinstance(value, int | float)
    return value


def _invert(mask: Mask) -> Mask:
    return ~mask if isinstance(mask, np.ndarray) else not mask


def _either(a: Mask | None, b: Mask | None) -> Mask | None:
    if a is None or a is False:
        return b
    if b is None or b is False:
        return a
    return a | b


def _missing(value: Value) -> Mask:
    if isinstance(value, Tri):
        return False if value.known else (value.not_false & ~value.true)
    return False if value.missing is None else value.missing


def _and(parts: Sequence[Tri]) -> Tri:
    true = parts[0].true
    for part in parts[1:]:
        true = true & part.true
    if all(p.known for p in parts):
        return Tri(true, true)
    not_false = parts[0].not_false
    for part in parts[1:]:
        not_false = not_false & part.not_false
    return Tri(true, not_false)


def _or(parts: Sequence[Tri]) -> Tri:
    true = parts[0].true
    for part in parts[1:]:
        true = true | part.true
    if all(p.known for p in parts):
        return Tri(true, true)
    not_false = parts[0].not_false
    for part in parts[1:]:
        not_false = not_false | part.not_false
    return Tri(true, not_false)


def _not(value: Tri) -> Tri:
    if value.known:
        flipped = _invert(value.true)
        return Tri(flipped, flipped)
    return Tri(_invert(value.not_false), _invert(value.true))


def _code_of(dictionary: tuple[str, ...], text: str) -> int:
    try:
        return dictionary.index(text)
    except ValueError:
        return -2  # in no row (missing rows are -1)


def _text_test(operand: Text, test: Callable[[str], bool], negated: bool) -> Tri:
    if isinstance(operand.codes, str):
        result: Mask = test(operand.codes) != negated
        return _tri_from(result, operand.missing)
    # A lookup table over the dictionary; its last entry answers for missing rows (code -1).
    table = np.array([test(s) != negated for s in operand.dictionary] + [False], dtype=bool)
    return _tri_from(table[operand.codes], operand.missing)


def _shared_codes(left: Text, right: Text) -> tuple[np.ndarray, np.ndarray]:
    """Both columns' codes in one dictionary (the left one, extended)."""
    if left.dictionary == right.dictionary:
        return left.codes, right.codes
    index = {s: i for i, s in enumerate(left.dictionary)}
    extra = len(left.dictionary)
    mapping = [index.get(s, extra + i) for i, s in enumerate(right.dictionary)]
    remap = np.array([*mapping, -1], dtype=np.int64)
    return left.codes, remap[right.codes]


def _as_text(value: Text, dictionary: tuple[str, ...]) -> tuple[np.ndarray | int, Mask | None]:
    """The value's codes in `dictionary` (which must hold all its strings)."""
    if isinstance(value.codes, str):
        return (dictionary.index(value.codes) if value.missing is not True else -1), value.missing
    if value.dictionary == dictionary:
        return value.codes, value.missing
    index = {s: i for i, s in enumerate(dictionary)}
    remap = np.array([*(index[s] for s in value.dictionary), -1], dtype=np.int32)
    return remap[value.codes], value.missing


def _select(chosen: Mask, when: Value, otherwise: Value) -> Value:
    """Row by row: `when` where `chosen`, else `otherwise` (both of the same kind)."""
    if isinstance(when, Tri) and isinstance(otherwise, Tri):
        true = np.where(chosen, when.true, otherwise.true)
        if when.known and otherwise.known:
            return Tri(true, true)
        return Tri(true, np.where(chosen, when.not_false, otherwise.not_false))
    if isinstance(when, Text) and isinstance(otherwise, Text):
        dictionary = _merged(when, otherwise)
        when_codes, when_missing = _as_text(when, dictionary)
        other_codes, other_missing = _as_text(otherwise, dictionary)
        codes = np.where(chosen, when_codes, other_codes).astype(np.int32)
        return Text(codes, dictionary, _where(chosen, when_missing, other_missing))
    assert isinstance(when, Num) and isinstance(otherwise, Num)
    values = np.where(chosen, when.values, otherwise.values)
    return Num(values, _where(chosen, when.missing, otherwise.missing))


def _where(chosen: Mask, a: Mask | None, b: Mask | None) -> Mask | None:
    if (a is None or a is False) and (b is None or b is False):
        return None
    return np.where(chosen, False if a is None else a, False if b is None else b)


def _merged(*values: Text) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for value in values:
        if isinstance(value.codes, str):
            seen.setdefault(value.codes)
        else:
            seen.update(dict.fromkeys(value.dictionary))
    return tuple(seen)


def _extreme(name: str, a: Value, b: Value) -> Value:
    """LEAST / GREATEST of two, skipping missing values as SQL engines do."""
    assert isinstance(a, Num) and isinstance(b, Num)
    pick = np.minimum if name == "least" else np.maximum
    both = pick(a.values, b.values)
    a_missing, b_missing = _missing(a), _missing(b)
    values = np.where(a_missing, b.values, np.where(b_missing, a.values, both))
    missing = a_missing & b_missing if not (a_missing is False or b_missing is False) else None
    return Num(values, missing)
