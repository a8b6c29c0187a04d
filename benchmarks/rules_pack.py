"""The structured form of a benchmark rule, and its SQL rendering (shared by the rules_* scripts).

A rule in rules.json is `{"id", "template", "sql", "expr"}`. `sql` is what `jinqi rules evaluate`
reads; `expr` is the same expression as a JSON tree, read by the OpenFisca and Python-loop
contenders (the NumPy baseline carries its own copy of the reader so that it imports nothing but
numpy and pyarrow). `sql` is rendered from `expr`, so the two cannot disagree.

Expression nodes (SQL three-valued logic throughout: NULL operand -> unknown, Kleene AND/OR,
`a / b` is float64 division and NULL when b = 0):

    {"op": "and" | "or", "args": [expr, ...]}
    {"op": "not", "args": [expr]}
    {"op": "<" | "<=" | ">" | ">=" | "=" | "<>", "args": [value, value]}
    {"op": "between", "args": [value, low, high]}          inclusive at both ends
    {"op": "in" | "not_in", "args": [value, [literal, ...]]}
    {"op": "is_null" | "is_not_null", "args": [value]}
    {"op": "case", "when": [[expr, expr], ...], "else": expr | null}   no else: NULL
    {"col": name}                                          a boolean column used as a condition

    value: {"col": name} | {"op": "/", "args": [value, value]} | number | string | bool
"""

from __future__ import annotations

from typing import Any

Node = dict[str, Any]
Value = Node | int | float | str | bool

COMPARISONS = ("<", "<=", ">", ">=", "=", "<>")


def col(name: str) -> Node:
    return {"col": name}


def div(numerator: Value, denominator: Value) -> Node:
    return {"op": "/", "args": [numerator, denominator]}


def cmp(op: str, left: Value, right: Value) -> Node:
    assert op in COMPARISONS, op
    return {"op": op, "args": [left, right]}


def all_of(*args: Node) -> Node:
    return {"op": "and", "args": list(args)}


def any_of(*args: Node) -> Node:
    return {"op": "or", "args": list(args)}


def not_(arg: Node) -> Node:
    return {"op": "not", "args": [arg]}


def between(value: Value, low: int | float, high: int | float) -> Node:
    return {"op": "between", "args": [value, low, high]}


def in_(value: Value, literals: list[Any], negated: bool = False) -> Node:
    return {"op": "not_in" if negated else "in", "args": [value, list(literals)]}


def is_not_null(value: Value) -> Node:
    return {"op": "is_not_null", "args": [value]}


def case(when: list[tuple[Node, Node]], otherwise: Node | None = None) -> Node:
    return {"op": "case", "when": [[c, e] for c, e in when], "else": otherwise}


def literal_sql(value: Any) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        # repr is the shortest text that reads back as the same float64.
        return repr(value)
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    raise TypeError(f"no SQL literal for {value!r}")


def to_sql(node: Value, *, null_on_zero_division: bool = False) -> str:
    """Render a node as SQL; `null_on_zero_division` wraps divisors in NULLIF(…, 0) for engines
    (DuckDB) whose float division by zero gives ±inf instead of NULL."""

    def render(n: Value, top: bool = False) -> str:
        if not isinstance(n, dict):
            return literal_sql(n)
        if "col" in n:
            return str(n["col"])
        op, args = n["op"], n.get("args", [])
        if op in ("and", "or"):
            text = f" {op.upper()} ".join(render(a) for a in args)
            return text if top else f"({text})"
        if op == "not":
            return f"NOT {render(args[0])}"
        if op == "/":
            divisor = render(args[1])
            if null_on_zero_division:
                divisor = f"NULLIF({divisor}, 0)"
            return f"({render(args[0])} / {divisor})"
        if op in COMPARISONS:
            return f"{render(args[0])} {op} {render(args[1])}"
        if op == "between":
            return f"{render(args[0])} BETWEEN {render(args[1])} AND {render(args[2])}"
        if op in ("in", "not_in"):
            items = ", ".join(literal_sql(v) for v in args[1])
            return f"{render(args[0])} {'NOT IN' if op == 'not_in' else 'IN'} ({items})"
        if op == "is_null":
            return f"{render(args[0])} IS NULL"
        if op == "is_not_null":
            return f"{render(args[0])} IS NOT NULL"
        if op == "case":
            parts = [f"WHEN {render(c, True)} THEN {render(e, True)}" for c, e in n["when"]]
            if n.get("else") is not None:
                parts.append(f"ELSE {render(n['else'], True)}")
            return f"(CASE {' '.join(parts)} END)"
        raise ValueError(f"unknown op {op!r}")

    return render(node, top=True)


def columns_of(node: Value) -> set[str]:
    """The column names a node reads."""
    if not isinstance(node, dict):
        return set()
    if "col" in node:
        return {node["col"]}
    found: set[str] = set()
    for arg in node.get("args", []):
        if isinstance(arg, list):  # an IN list holds literals only
            continue
        found |= columns_of(arg)
    for when, then in node.get("when", []):
        found |= columns_of(when) | columns_of(then)
    if node.get("else") is not None:
        found |= columns_of(node["else"])
    return found
