"""The validated tree: the one thing every executor reads.

Nodes are frozen dataclasses, so equal sub-expressions are equal values: the vectorised
executor uses them as keys to compute a comparison shared by many rules once.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, TypeVar, dataclass_transform

from jinqi.rules.types import FieldType

Scalar = bool | int | float | str | datetime.date
N = TypeVar("N")

COMPARISONS = ("=", "<>", "<", "<=", ">", ">=")
ARITHMETIC = ("+", "-", "*", "/")
FUNCTIONS = ("abs", "least", "greatest", "coalesce")


@dataclass_transform(frozen_default=True)
def _node(cls: type[N]) -> type[N]:
    """A frozen dataclass whose hash is computed once: nodes are dictionary keys again and
    again while a pack is evaluated, and the generated hash walks the whole subtree."""
    cls = dataclass(frozen=True)(cls)
    generated = cls.__hash__

    def memoised_hash(self: Any) -> int:
        cached: int | None = self.__dict__.get("_hash")
        if cached is None:
            cached = generated(self)
            object.__setattr__(self, "_hash", cached)
        return cached

    cls.__hash__ = memoised_hash  # type: ignore[method-assign]  # memoising on purpose
    return cls


@dataclass(frozen=True)
class Node:
    type: FieldType

    def children(self) -> tuple[Node, ...]:
        return ()

    def walk(self) -> Iterator[Node]:
        yield self
        for child in self.children():
            yield from child.walk()


@_node
class Field(Node):
    name: str


@_node
class Const(Node):
    value: Scalar | None  # None only for a CASE without ELSE, which yields NULL


@_node
class Derived(Node):
    """A named derived field: computed from `expression`, shown by its name."""

    name: str
    expression: Node

    def children(self) -> tuple[Node, ...]:
        return (self.expression,)


@_node
class Not(Node):
    operand: Node

    def children(self) -> tuple[Node, ...]:
        return (self.operand,)


@_node
class Neg(Node):
    operand: Node

    def children(self) -> tuple[Node, ...]:
        return (self.operand,)


@_node
class Logic(Node):
    op: str  # "and" | "or"
    items: tuple[Node, ...]

    def children(self) -> tuple[Node, ...]:
        return self.items


@_node
class Compare(Node):
    op: str  # one of COMPARISONS
    left: Node
    right: Node

    def children(self) -> tuple[Node, ...]:
        return (self.left, self.right)


@_node
class Arith(Node):
    op: str  # one of ARITHMETIC; "/" always yields a number, NULL when dividing by zero
    left: Node
    right: Node

    def children(self) -> tuple[Node, ...]:
        return (self.left, self.right)


@_node
class InList(Node):
    operand: Node
    values: tuple[Const, ...]
    negated: bool

    def children(self) -> tuple[Node, ...]:
        return (self.operand, *self.values)


@_node
class Between(Node):
    operand: Node
    low: Node
    high: Node
    negated: bool

    def children(self) -> tuple[Node, ...]:
        return (self.operand, self.low, self.high)


@_node
class IsNull(Node):
    operand: Node
    negated: bool

    def children(self) -> tuple[Node, ...]:
        return (self.operand,)


@_node
class IsBool(Node):
    """`x IS [NOT] TRUE|FALSE`: never unknown."""

    operand: Node
    value: bool
    negated: bool

    def children(self) -> tuple[Node, ...]:
        return (self.operand,)


@_node
class Like(Node):
    operand: Node
    pattern: str  # SQL LIKE pattern: % any run, _ one character; no escape character
    negated: bool

    def children(self) -> tuple[Node, ...]:
        return (self.operand,)


@_node
class Case(Node):
    whens: tuple[tuple[Node, Node], ...]
    default: Node

    def children(self) -> tuple[Node, ...]:
        return (*(n for pair in self.whens for n in pair), self.default)


@_node
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
