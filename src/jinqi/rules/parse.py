"""From text to the validated tree: parse with SQLGlot, accept only the whitelisted grammar.

Everything not named here is refused: the converter walks SQLGlot's tree and has a case for
each allowed node kind, so a new SQLGlot node kind is refused until someone decides on it.
"""

from __future__ import annotations

import dataclasses
import datetime
import math
import re
from dataclasses import dataclass

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, SqlglotError, TokenError
from sqlglot.tokens import Token, TokenType

from jinqi.rules.errors import RuleError
from jinqi.rules.tree import (
    Arith,
    Between,
    Call,
    Case,
    Compare,
    Const,
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
from jinqi.rules.types import FieldType, Vocabulary

MAX_LENGTH = 4000
MAX_DEPTH = 80
DIALECT = "postgres"

_COMPARISONS: dict[type[exp.Expression], str] = {
    exp.EQ: "=",
    exp.NEQ: "<>",
    exp.LT: "<",
    exp.LTE: "<=",
    exp.GT: ">",
    exp.GTE: ">=",
}
_ARITHMETIC: dict[type[exp.Expression], str] = {
    exp.Add: "+",
    exp.Sub: "-",
    exp.Mul: "*",
    exp.Div: "/",
}
_FUNCTIONS: dict[type[exp.Expression], str] = {
    exp.Abs: "abs",
    exp.Least: "least",
    exp.Greatest: "greatest",
    exp.Coalesce: "coalesce",
}
_INTEGER = re.compile(r"[0-9]+")


@dataclass(frozen=True)
class Rule:
    """A validated rule: its text as written and its tree (a condition)."""

    source: str
    tree: Node


def compile_rule(sql: str, vocabulary: Vocabulary) -> Rule:
    """Parse and validate a rule; raises RuleError pointing at the first offending part."""
    tree = compile_expression(sql, vocabulary)
    if tree.type is not FieldType.BOOLEAN:
        raise RuleError("not_boolean", fragment=sql.strip())
    return Rule(source=sql, tree=tree)


def compile_expression(sql: str, vocabulary: Vocabulary) -> Node:
    """Parse and validate an expression of any type (derived fields are expressions)."""
    if len(sql) > MAX_LENGTH:
        raise RuleError("too_long", limit=MAX_LENGTH)
    if not sql.strip():
        raise RuleError("empty")
    tokens = _tokens(sql)
    parsed = _parse(sql, tokens)
    return _Converter(sql, tokens, vocabulary).convert(parsed, depth=0)


def _tokens(sql: str) -> list[Token]:
    try:
        tokens = sqlglot.Dialect.get_or_raise(DIALECT).tokenize(sql)
    except TokenError as error:
        raise RuleError("syntax", fragment=_excerpt(sql, str(error))) from None
    depth = 0
    for token in tokens:
        if token.comments:
            raise RuleError(
                "comment", fragment=" ".join(token.comments).strip(), position=token.col
            )
        if token.token_type is TokenType.SEMICOLON:
            raise RuleError("statement", fragment=";", position=token.col)
        if token.token_type is TokenType.L_PAREN:
            depth += 1
            if depth > MAX_DEPTH:
                raise RuleError("too_deep")
        elif token.token_type is TokenType.R_PAREN:
            depth -= 1
    if not tokens:
        raise RuleError("empty")
    return tokens


def _parse(sql: str, tokens: list[Token]) -> exp.Expression:
    try:
        # The tokens already read serve the parser too (tokenising is half of the work).
        statements = sqlglot.Dialect.get_or_raise(DIALECT).parser().parse(tokens, sql)
        if len(statements) != 1:
            raise RuleError("statement", fragment=sql.strip()[:40])
        parsed = statements[0]
    except RuleError:
        raise
    except ParseError as error:
        detail = error.errors[0] if error.errors else {}
        fragment = str(detail.get("highlight") or sql.strip()[:40])
        raise RuleError("syntax", fragment=fragment, position=detail.get("col")) from None
    except RecursionError:
        raise RuleError("too_deep") from None
    except (SqlglotError, TypeError, ValueError, AttributeError, IndexError, KeyError):
        # SQLGlot trips over some hostile text with an internal error (`0?` raises TypeError):
        # the text cannot be read, whatever the parser's reason.
        raise RuleError("syntax", fragment=sql.strip()[:40]) from None
    if not isinstance(parsed, exp.Expression):
        raise RuleError("syntax", fragment=sql.strip()[:40])
    if _depth(parsed) > MAX_DEPTH:
        raise RuleError("too_deep")
    return parsed


def _depth(root: exp.Expression) -> int:
    """How deeply the expression nests, parentheses not counted (the tokens' check limits
    those): `render` parenthesises every operand, and what it writes must compile again."""
    deepest = 0
    stack = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        step = 0 if isinstance(node, exp.Paren) else 1
        stack.extend((child, depth + step) for child in node.iter_expressions())
    return deepest


def _excerpt(sql: str, message: str) -> str:
    return sql.strip()[:40] if not message else message.splitlines()[0][:80]


class _Converter:
    def __init__(self, sql: str, tokens: list[Token], vocabulary: Vocabulary) -> None:
        self.sql = sql
        self.tokens = tokens
        self.vocabulary = vocabulary

    # -- errors ----------------------------------------------------------------------------

    def fail(self, code: str, node: exp.Expression, **params: object) -> RuleError:
        fragment = _fragment(node)
        return RuleError(code, fragment=fragment, position=self.position(node), **params)

    def position(self, node: exp.Expression) -> int | None:
        """The column of the node's first word in the source, when it can be told."""
        word = node.name if isinstance(node, (exp.Column, exp.Anonymous)) else None
        if not word:
            return None
        for token in self.tokens:
            if token.text.lower() == word.lower():
                return token.col - len(token.text) + 1
        return None

    # -- the grammar -----------------------------------------------------------------------

    def convert(self, node: exp.Expression, depth: int) -> Node:
        if node.comments:
            raise RuleError("comment", fragment=" ".join(node.comments).strip())
        depth += 1
        if isinstance(node, exp.Paren):
            return self.convert(node.this, depth)
        if isinstance(node, (exp.And, exp.Or)):
            return self.logic(node, depth)
        if isinstance(node, exp.Not):
            return self.negation(node, depth)
        if type(node) in _COMPARISONS:
            return self.compare(_COMPARISONS[type(node)], node, node.this, node.expression, depth)
        if type(node) in _ARITHMETIC:
            return self.arithmetic(node, depth)
        if isinstance(node, exp.Neg):
            operand = self.numeric(node.this, depth, node)
            if isinstance(operand, Const) and isinstance(operand.value, int | float):
                return Const(type=operand.type, value=-operand.value)
            return Neg(type=operand.type, operand=operand)
        if isinstance(node, exp.In):
            return self.in_list(node, depth)
        if isinstance(node, exp.Between):
            return self.between(node, depth)
        if isinstance(node, exp.Is):
            return self.is_test(node, depth)
        if isinstance(node, exp.Like) and not node.args.get("escape"):
            return self.like(node, depth)
        if isinstance(node, exp.Case):
            return self.case(node, depth)
        if type(node) in _FUNCTIONS:
            return self.call(_FUNCTIONS[type(node)], node, depth)
        if isinstance(node, exp.Column):
            return self.column(node)
        if isinstance(node, (exp.Literal, exp.Boolean, exp.Cast)):
            return self.literal(node)
        if isinstance(node, exp.Null):
            raise self.fail("null_literal", node)
        if isinstance(node, (exp.Anonymous, exp.Func)) and not isinstance(node, exp.Cast):
            raise self.fail("unknown_function", node)
        if isinstance(node, (exp.Block, exp.Command, exp.DDL, exp.DML)):
            raise self.fail("statement", node)
        raise self.fail("not_allowed", node)

    def logic(self, node: exp.Expression, depth: int) -> Node:
        # Flatten `a AND b AND c` (a left-deep chain in SQLGlot) into one node, iteratively.
        kind = type(node)
        operands: list[exp.Expression] = []
        pending = [node]
        while pending:
            current = pending.pop()
            if type(current) is kind and not current.comments:
                pending.extend([current.expression, current.this])
            else:
                operands.append(current)
        items = tuple(self.condition(operand, depth, node) for operand in operands)
        return Logic(type=FieldType.BOOLEAN, op="and" if kind is exp.And else "or", items=items)

    def negation(self, node: exp.Not, depth: int) -> Node:
        inner = node.this
        while isinstance(inner, exp.Paren):
            inner = inner.this
        operand = self.condition(inner, depth, node)
        # `a NOT IN (…)`, `NOT LIKE`, `NOT BETWEEN`, `IS NOT NULL`: keep the form as written.
        if isinstance(operand, InList | Like | Between | IsNull) and not operand.negated:
            return dataclasses.replace(operand, negated=True)
        return Not(type=FieldType.BOOLEAN, operand=operand)

    def condition(self, node: exp.Expression, depth: int, parent: exp.Expression) -> Node:
        converted = self.convert(node, depth)
        if converted.type is not FieldType.BOOLEAN:
            raise self.fail("not_boolean", node)
        return converted

    def numeric(self, node: exp.Expression, depth: int, parent: exp.Expression) -> Node:
        converted = self.convert(node, depth)
        if not converted.type.numeric:
            raise self.fail("not_numeric", parent, kind=converted.type.value)
        return converted

    def compare(
        self,
        op: str,
        node: exp.Expression,
        left_node: exp.Expression,
        right_node: exp.Expression,
        depth: int,
    ) -> Node:
        left, right = self.convert(left_node, depth), self.convert(right_node, depth)
        left, right = _coerce_dates(left, right, self, node)
        self.check_comparable(op, left, right, node)
        return Compare(type=FieldType.BOOLEAN, op=op, left=left, right=right)

    def check_comparable(self, op: str, left: Node, right: Node, node: exp.Expression) -> None:
        if left.type.numeric and right.type.numeric:
            return
        if left.type is not right.type:
            raise self.fail("type_mismatch", node, left=left.type.value, right=right.type.value)
        if left.type is FieldType.TEXT and op not in ("=", "<>"):
            raise self.fail("text_order", node)
        if left.type is FieldType.BOOLEAN and op not in ("=", "<>"):
            raise self.fail("boolean_order", node)

    def arithmetic(self, node: exp.Expression, depth: int) -> Node:
        op = _ARITHMETIC[type(node)]
        left = self.numeric(node.this, depth, node)
        right = self.numeric(node.expression, depth, node)
        integer = left.type is right.type is FieldType.INTEGER and op != "/"
        kind = FieldType.INTEGER if integer else FieldType.NUMBER
        return Arith(type=kind, op=op, left=left, right=right)

    def in_list(self, node: exp.In, depth: int) -> Node:
        if node.args.get("query") or node.args.get("unnest") or node.args.get("field"):
            raise self.fail("not_allowed", node)
        operand = self.convert(node.this, depth)
        values = []
        for item in node.expressions:
            value = self.convert(item, depth)
            if not isinstance(value, Const):
                raise self.fail("in_list", node)
            _, value = _coerce_dates(operand, value, self, node)
            assert isinstance(value, Const)
            values.append(value)
        if not values or operand.type is FieldType.BOOLEAN:
            raise self.fail("in_list", node)
        for value in values:
            if not (value.type is operand.type or (value.type.numeric and operand.type.numeric)):
                raise self.fail("in_list", node)
        return InList(type=FieldType.BOOLEAN, operand=operand, values=tuple(values), negated=False)

    def between(self, node: exp.Between, depth: int) -> Node:
        if node.args.get("symmetric"):
            raise self.fail("not_allowed", node)
        operand = self.convert(node.this, depth)
        low = self.convert(node.args["low"], depth)
        high = self.convert(node.args["high"], depth)
        _, low = _coerce_dates(operand, low, self, node)
        _, high = _coerce_dates(operand, high, self, node)
        for bound in (low, high):
            self.check_comparable("<=", operand, bound, node)
        return Between(type=FieldType.BOOLEAN, operand=operand, low=low, high=high, negated=False)

    def is_test(self, node: exp.Is, depth: int) -> Node:
        operand = self.convert(node.this, depth)
        target = node.expression
        negated = bool(node.args.get("negate"))
        if isinstance(target, exp.Null):
            return IsNull(type=FieldType.BOOLEAN, operand=operand, negated=negated)
        if isinstance(target, exp.Boolean) and operand.type is FieldType.BOOLEAN:
            value = bool(target.this)
            return IsBool(type=FieldType.BOOLEAN, operand=operand, value=value, negated=negated)
        raise self.fail("not_allowed", node)

    def like(self, node: exp.Like, depth: int) -> Node:
        operand = self.convert(node.this, depth)
        pattern = node.expression
        if (
            operand.type is not FieldType.TEXT
            or not isinstance(pattern, exp.Literal)
            or not pattern.is_string
            or "\\" in pattern.this
        ):
            raise self.fail("like_pattern", node)
        # SQLGlot reads `x NOT LIKE p` as one Like node with `negate` set (not as NOT (x LIKE p)).
        negated = bool(node.args.get("negate"))
        return Like(type=FieldType.BOOLEAN, operand=operand, pattern=pattern.this, negated=negated)

    def case(self, node: exp.Case, depth: int) -> Node:
        subject = node.this
        whens: list[tuple[Node, Node]] = []
        for branch in node.args.get("ifs") or []:
            if not isinstance(branch, exp.If):
                raise self.fail("not_allowed", node)
            if subject is not None:  # simple CASE x WHEN v THEN …: x = v
                condition = self.compare("=", node, subject, branch.this, depth)
            else:
                condition = self.condition(branch.this, depth, node)
            whens.append((condition, self.convert(branch.args["true"], depth)))
        default_node = node.args.get("default")
        values = [value for _, value in whens]
        if default_node is not None:
            values.append(self.convert(default_node, depth))
        kind = _unify([v.type for v in values])
        if kind is None:
            raise self.fail(
                "type_mismatch",
                node,
                left=values[0].type.value,
                right=next(v.type for v in values if v.type is not values[0].type).value,
            )
        default = values[-1] if default_node is not None else Const(type=kind, value=None)
        return Case(type=kind, whens=tuple(whens), default=default)

    def call(self, name: str, node: exp.Expression, depth: int) -> Node:
        args = [self.convert(arg, depth) for arg in _arguments(node)]
        if (name == "abs" and len(args) != 1) or (name in ("least", "greatest") and len(args) < 2):
            raise self.fail("arguments", node)
        kind = _unify([a.type for a in args])
        if kind is None:
            raise self.fail(
                "type_mismatch",
                node,
                left=args[0].type.value,
                right=next(a.type for a in args if a.type is not args[0].type).value,
            )
        if name == "abs" and not kind.numeric:
            raise self.fail("not_numeric", node, kind=kind.value)
        if name in ("least", "greatest") and kind in (FieldType.TEXT, FieldType.BOOLEAN):
            raise self.fail("text_order", node)
        return Call(type=kind, name=name, args=tuple(args))

    def column(self, node: exp.Column) -> Node:
        if node.table or node.args.get("db") or node.args.get("catalog"):
            raise self.fail("qualified_name", node)
        name = node.name
        if name in self.vocabulary.fields:
            return Field(type=self.vocabulary.fields[name], name=name)
        if name in self.vocabulary.derived:
            return self.vocabulary.derived[name]
        raise self.fail("unknown_field", node)

    def literal(self, node: exp.Expression) -> Const:
        if isinstance(node, exp.Boolean):
            return Const(type=FieldType.BOOLEAN, value=bool(node.this))
        if isinstance(node, exp.Cast):
            # Only a date literal: DATE '2024-01-01' or '2024-01-01'::date.
            literal = node.this
            if (
                node.to.this is exp.DataType.Type.DATE
                and isinstance(literal, exp.Literal)
                and literal.is_string
            ):
                return Const(type=FieldType.DATE, value=self.date(literal.this, node))
            raise self.fail("not_allowed", node)
        assert isinstance(node, exp.Literal)
        if node.is_string:
            return Const(type=FieldType.TEXT, value=node.this)
        text = node.this
        if _INTEGER.fullmatch(text):
            return Const(type=FieldType.INTEGER, value=int(text))
        try:
            number = float(text)
        except ValueError:
            raise self.fail("bad_literal", node) from None
        if not math.isfinite(number):
            raise self.fail("bad_literal", node)
        return Const(type=FieldType.NUMBER, value=number)

    def date(self, text: str, node: exp.Expression) -> datetime.date:
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            raise self.fail("bad_literal", node) from None


def _coerce_dates(
    left: Node, right: Node, converter: _Converter, node: exp.Expression
) -> tuple[Node, Node]:
    """A text literal compared with a date reads as a date ('2024-01-01' = DATE '2024-01-01')."""
    if left.type is FieldType.DATE and isinstance(right, Const) and right.type is FieldType.TEXT:
        right = Const(type=FieldType.DATE, value=converter.date(str(right.value), node))
    if right.type is FieldType.DATE and isinstance(left, Const) and left.type is FieldType.TEXT:
        left = Const(type=FieldType.DATE, value=converter.date(str(left.value), node))
    return left, right


def _unify(types: list[FieldType]) -> FieldType | None:
    if all(t.numeric for t in types):
        return FieldType.NUMBER if FieldType.NUMBER in types else FieldType.INTEGER
    first = types[0]
    return first if all(t is first for t in types) else None


def _arguments(node: exp.Expression) -> list[exp.Expression]:
    return [node.this, *node.expressions] if node.this is not None else list(node.expressions)


def _fragment(node: exp.Expression) -> str:
    try:
        return node.sql(dialect=DIALECT)[:80]
    except (SqlglotError, RecursionError):
        return type(node).__name__
