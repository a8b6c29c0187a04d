"""The validated tree: the one thing every executor reads.

Nodes are frozen dataclasses, so equal sub-expressions are equal values: the vectorised
executor uses them as keys to compute a comparison shared by many rules once.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

from jinqi.rules.types import FieldType

Scalar = bool | int | float | str | datetime.date

COMPARISONS = ("=", "<>", "<", "<=", ">", ">=")
ARITHMETIC = ("+", "-", "*", "/")
FUNCTIONS = ("abs", "least", "greatest", "coalesce")


@dataclass(frozen=True)
class Node:
    type: FieldType

    def children(self) -> tuple[Node, ...]:
        return ()

    def walk(self) -> Iterator[Node]:
        yield self
        for child in self.children():
            yield from child.walk()


@dataclass(frozen=True)
class Field(Node):
    name: str


@dataclass(frozen=True)
class Const(Node):
    value: Scalar | None  # None only for a CASE without ELSE, which yields NULL


@dataclass(frozen=True)
class Derived(Node):
    """A named derived field: computed from `expression`, shown by its name."""

    name: str
    expression: Node

    def children(self) -> tuple[Node, ...]:
        return (self.expression,)


@dataclass(frozen=True)
class Not(Node):
    operand: Node

    def children(self) -> tuple[Node, ...]:
        return (self.operand,)


@dataclass(frozen=True)
class Neg(Node):
    operand: Node

    def children(self) -> tuple[Node, ...]:
        return (self.operand,)


@dataclass(frozen=True)
class Logic(Node):
    op: str  # "and" | "or"
    items: tuple[Node, ...]

    def children(self) -> tuple[Node, ...]:
        return self.items


@dataclass(frozen=True)
class Compare(Node):
    op: str  # one of COMPARISONS
    left: Node
    right: Node

    def children(self) -> tuple[Node, ...]:
        return (self.left, self.right)


@dataclass(frozen=True)
class Arith(Node):
    op: str  # one of ARITHMETIC; "/" always yields a number, NULL when dividing by zero
    left: Node
    right: Node

    def children(self) -> tuple[Node, ...]:
        return (self.left, self.right)


@dataclass(frozen=True)
class InList(Node):
    operand: Node
    values: tuple[Const, ...]
    negated: bool

    def children(self) -> tuple[Node, ...]:
        return (self.operand, *self.values)


@dataclass(frozen=True)
class Between(Node):
    operand: Node
    low: Node
    high: Node
    negated: bool

    def children(self) -> tuple[Node, ...]:
        return (self.operand, self.low, self.high)


@dataclass(frozen=True)
class IsNull(Node):
    operand: Node
    negated: bool

    def children(self) -> tuple[Node, ...]:
        return (self.operand,)


@dataclass(frozen=True)
class IsBool(Node):
    """`x IS [NOT] TRUE|FALSE`: never unknown."""

    operand: Node
    value: bool
    negated: bool

    def children(self) -> tuple[Node, ...]:
        return (self.operand,)


@dataclass(frozen=True)
class Like(Node):
    operand: Node
    pattern: str  # SQL LIKE pattern: % any run, _ one character; no escape character
    negated: bool

    def children(self) -> tuple[Node, ...]:
        return (self.operand,)


@dataclass(frozen=True)
class Case(Node):
    whens: tuple[tuple[Node, Node], ...]
    default: Node

    def children(self) -> tuple[Node, ...]:
        return (*(n for pair in self.whens for n in pair), self.default)


@dataclass(frozen=True)
class Call(Node):
    name: str  # one of FUNCTIONS
    args: tuple[Node, ...]

    def children(self) -> tuple[Node, ...]:
        return self.args


def conditions(root: Node) -> tuple[Node, ...]:
    """The conditions a rule is explained by: the operands of a top-level AND, or the rule."""
    if isinstance(root, Logic) and root.op == "and":
        return root.items
    return (root,)


def fields_used(node: Node) -> list[str]:
    """Base field names the node reads, in first-use order (derived fields looked through)."""
    seen: dict[str, None] = {}
    for n in node.walk():
        if isinstance(n, Field):
            seen.setdefault(n.name)
    return list(seen)


def derived_used(node: Node) -> list[Derived]:
    seen: dict[str, Derived] = {}
    for n in node.walk():
        if isinstance(n, Derived):
            seen.setdefault(n.name, n)
    return list(seen.values())
