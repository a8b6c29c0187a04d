"""An existing rule opened in the rule builder: the conditions of its top-level AND that a
builder row can say (data, comparison, value) become rows; the others stay as rule text. Saving
the rows and that text together gives the same rule again."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from jinqi.registry.rules_vocabulary import rules_vocabulary
from jinqi.rules import RuleError, compile_rule, render
from jinqi.rules.tree import (
    COMPARISONS,
    Compare,
    Const,
    Derived,
    Field,
    InList,
    IsBool,
    Logic,
    Node,
    Not,
    Scalar,
    conditions,
)
from jinqi.rules.types import FieldType

# A comparison read the other way round ("30 >= employees" is "employees <= 30").
_FLIPPED = {"=": "=", "<>": "<>", "<": ">", "<=": ">=", ">": "<", ">=": "<="}


@dataclass(frozen=True)
class BuilderRow:
    field: str  # a key the builder offers (vocabulary or derived field)
    op: str  # a comparison, "in", "true", "false" or "not_true"
    value: str  # as typed in the row: "30", "2020-01-01", "A, B"; "" for yes/no


@dataclass(frozen=True)
class RuleRows:
    rows: list[BuilderRow]
    rest: list[str]  # conditions no row can say, as rule text


def rule_rows(sql: str, offered: set[str]) -> RuleRows:
    """The rows (for fields in `offered`) and the remaining text of the rule `sql`; a rule that
    does not parse is all text."""
    if not sql.strip():
        return RuleRows([], [])
    try:
        rule = compile_rule(sql, rules_vocabulary())
    except RuleError:
        return RuleRows([], [sql.strip()])
    rows: list[BuilderRow] = []
    rest: list[str] = []
    for condition in conditions(rule.tree):
        row = _row(condition, offered)
        if row is None:
            text = render(condition)
            # Kept after the rows with AND: an OR keeps its own meaning in parentheses.
            either = isinstance(condition, Logic) and condition.op == "or"
            rest.append(f"({text})" if either else text)
        else:
            rows.append(row)
    return RuleRows(rows, rest)


def _name(node: Node, offered: set[str]) -> str | None:
    if isinstance(node, Field | Derived) and node.name in offered:
        return node.name
    return None


def _row(node: Node, offered: set[str]) -> BuilderRow | None:
    boolean = node.type is FieldType.BOOLEAN
    if boolean and (name := _name(node, offered)):
        return BuilderRow(name, "true", "")
    if isinstance(node, Not) and isinstance(node.operand, IsBool) and _is_true(node.operand):
        name = _name(node.operand.operand, offered)  # `x IS NOT TRUE` is read as NOT (x IS TRUE)
        return BuilderRow(name, "not_true", "") if name else None
    if isinstance(node, Not) and node.operand.type is FieldType.BOOLEAN:
        name = _name(node.operand, offered)
        return BuilderRow(name, "false", "") if name else None
    if isinstance(node, IsBool) and node.value and node.negated:
        name = _name(node.operand, offered)
        return BuilderRow(name, "not_true", "") if name else None
    if isinstance(node, InList) and not node.negated and node.operand.type is FieldType.TEXT:
        name = _name(node.operand, offered)
        values = [v.value for v in node.values]
        if name and all(isinstance(v, str) and "," not in v for v in values):
            return BuilderRow(name, "in", ", ".join(str(v) for v in values))
        return None
    if isinstance(node, Compare) and node.op in COMPARISONS:
        if isinstance(node.right, Const) and (name := _name(node.left, offered)):
            return _compare(name, node.op, node.right.value)
        if isinstance(node.left, Const) and (name := _name(node.right, offered)):
            return _compare(name, _FLIPPED[node.op], node.left.value)
    return None


def _compare(name: str, op: str, value: Scalar | None) -> BuilderRow | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, datetime.date):
        return BuilderRow(name, op, value.isoformat())
    if isinstance(value, float) and value.is_integer():
        return BuilderRow(name, op, str(int(value)))
    return BuilderRow(name, op, str(value))


def _is_true(node: IsBool) -> bool:
    return node.value and not node.negated
