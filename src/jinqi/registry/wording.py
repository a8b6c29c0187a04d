"""A rule's condition in words, for the people it is about: the vocabulary's labels, units and
yes/no, never a field key or an operator of the rules language. Every node kind of the language
has its words here, so no condition falls back to its expression (which pages show only inside
a 规则原文 block)."""

from __future__ import annotations

import datetime
from dataclasses import replace
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from jinqi.registry.rules_vocabulary import label
from jinqi.registry.vocabulary import BY_KEY, value_label
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

COMPARISON_SIGNS = {"=": "＝", "<>": "≠", "<": "<", "<=": "≤", ">": ">", ">=": "≥"}
ARITHMETIC_SIGNS = {"+": "＋", "-": "－", "*": "×", "/": "÷"}


def field_unit(key: str) -> str:
    spec = BY_KEY.get(key)
    return spec.unit if spec else ""


def show_value(value: Any, unit: str = "") -> str:
    """A value as shown next to a label: yes/no, numbers without noise, dates in ISO form."""
    if value is None:
        return _("no data")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, float | Decimal):
        number = float(value)
        text = f"{number:,.4f}".rstrip("0").rstrip(".")
    elif isinstance(value, int):
        text = f"{value:,}"
    elif isinstance(value, datetime.date):
        text = value.isoformat()
    else:
        text = str(value)
    return f"{text} {unit}".strip()


def named(node: Node) -> str | None:
    """The field or derived field a node is, if it is one."""
    if isinstance(node, Field | Derived):
        return node.name
    return None


def readable(node: Node) -> str:
    """A condition in words."""
    name = named(node)
    if name is not None:
        if node.type is FieldType.BOOLEAN:
            return _("%(label)s: yes") % {"label": label(name)}
        return _("%(label)s has a value other than zero") % {"label": label(name)}
    if isinstance(node, Not):
        return _negated(node.operand)
    if isinstance(node, IsBool):
        return _is_bool(node.operand, node.value, node.negated)
    if isinstance(node, IsNull):
        template = _("%(label)s: data held") if node.negated else _("%(label)s: no data")
        return template % {"label": _term(node.operand)}
    if isinstance(node, Compare):
        unit = _unit_of(node.left) or _unit_of(node.right)
        left, right = _term(node.left, unit), _coded(node.left, node.right, unit)
        return f"{left} {COMPARISON_SIGNS[node.op]} {right}"
    if isinstance(node, InList):
        values = "、".join(_coded(node.operand, v) for v in node.values)
        template = (
            _("%(label)s is not one of %(values)s")
            if node.negated
            else _("%(label)s is one of %(values)s")
        )
        return template % {"label": _term(node.operand), "values": values}
    if isinstance(node, Between):
        unit = _unit_of(node.operand)
        template = (
            _("%(label)s not between %(low)s and %(high)s")
            if node.negated
            else _("%(label)s between %(low)s and %(high)s")
        )
        return template % {
            "label": _term(node.operand),
            "low": _term(node.low, unit),
            "high": _term(node.high, unit),
        }
    if isinstance(node, Like):
        return _like(node)
    if isinstance(node, Logic):
        joiner = _(" and ") if node.op == "and" else _(" or ")
        return joiner.join(
            f"（{readable(item)}）" if isinstance(item, Logic) else readable(item)
            for item in node.items
        )
    # A value used as a condition (a CASE, a function): it holds when it is true.
    return _("%(value)s holds") % {"value": _term(node)}


def _negated(operand: Node) -> str:
    name = named(operand)
    if name is not None and operand.type is FieldType.BOOLEAN:
        return _("%(label)s: no") % {"label": label(name)}
    if isinstance(operand, IsBool):
        return _is_bool(operand.operand, operand.value, not operand.negated)
    if isinstance(operand, IsNull | InList | Between | Like):
        return readable(replace(operand, negated=not operand.negated))
    if isinstance(operand, Compare):
        opposite = {"=": "<>", "<>": "=", "<": ">=", "<=": ">", ">": "<=", ">=": "<"}
        return readable(replace(operand, op=opposite[operand.op]))
    return _("none of the following: %(condition)s") % {"condition": readable(operand)}


def _is_bool(operand: Node, value: bool, negated: bool) -> str:
    """`x IS [NOT] TRUE|FALSE`: never unknown, so "IS NOT TRUE" also holds without data."""
    subject = _term(operand)
    if not negated:
        template = _("%(label)s: yes") if value else _("%(label)s: no")
    elif value:
        template = _("%(label)s: no, or no data")
    else:
        template = _("%(label)s: yes, or no data")
    return template % {"label": subject}


def _like(node: Like) -> str:
    pattern, subject = node.pattern, _term(node.operand)
    inner = pattern.strip("%")
    if "_" in inner or "%" in inner or not inner:
        template = _("%(label)s matches the pattern “%(text)s”")
        inner = pattern
    elif pattern.startswith("%") and pattern.endswith("%"):
        template = _("%(label)s contains “%(text)s”")
    elif pattern.endswith("%"):
        template = _("%(label)s starts with “%(text)s”")
    elif pattern.startswith("%"):
        template = _("%(label)s ends with “%(text)s”")
    else:
        template = _("%(label)s is “%(text)s”")
    text = template % {"label": subject, "text": inner}
    return _("not: %(condition)s") % {"condition": text} if node.negated else text


def _coded(subject: Node, value: Node, unit: str = "") -> str:
    """A value compared with a field: a coded value by its label (`entity_type`'s
    `individual_business` reads 个体工商户), any other as a term."""
    name = named(subject)
    if name is not None and isinstance(value, Const):
        return show_value(value_label(name, value.value), unit)
    return _term(value, unit)


def _unit_of(node: Node) -> str:
    """The unit a value is in: its field's, or what a sum, a difference or a function of it
    keeps (a product or a quotient has none the vocabulary names)."""
    name = named(node)
    if name is not None:
        return field_unit(name)
    if isinstance(node, Arith) and node.op in ("+", "-"):
        return _unit_of(node.left) or _unit_of(node.right)
    if isinstance(node, Neg):
        return _unit_of(node.operand)
    if isinstance(node, Call):
        return next((unit for arg in node.args if (unit := _unit_of(arg))), "")
    return ""


def _term(node: Node, unit: str = "") -> str:
    """A value in an expression: a field by its label, a constant with the unit it is
    compared in, arithmetic and functions in words."""
    name = named(node)
    if name is not None:
        return label(name)
    if isinstance(node, Const):
        return show_value(node.value, unit)
    if isinstance(node, Arith):
        left, right = _term(node.left), _term(node.right)
        return f"（{left} {ARITHMETIC_SIGNS[node.op]} {right}）"
    if isinstance(node, Neg):
        return f"－{_term(node.operand, unit)}"
    if isinstance(node, Case):
        steps = [
            _("%(value)s when %(condition)s") % {"value": _term(v, unit), "condition": readable(c)}
            for c, v in node.whens
        ]
        if not (isinstance(node.default, Const) and node.default.value is None):
            steps.append(_("%(value)s otherwise") % {"value": _term(node.default, unit)})
        return "（" + "；".join(steps) + "）"
    if isinstance(node, Call):
        return _call(node, unit)
    return readable(node)


def _call(node: Call, unit: str) -> str:
    args = [_term(arg, unit) for arg in node.args]
    if node.name == "abs":
        return _("the absolute value of %(value)s") % {"value": args[0]}
    if node.name == "least":
        return _("the smallest of %(values)s") % {"values": "、".join(args)}
    if node.name == "greatest":
        return _("the largest of %(values)s") % {"values": "、".join(args)}
    # coalesce: the first value that is known
    return _("the first known of %(values)s") % {"values": "、".join(args)}
