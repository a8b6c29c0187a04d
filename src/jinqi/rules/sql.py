"""The SQL executor: the validated tree compiled by SQLGlot for DuckDB, PostgreSQL or Spark.

The tree is turned into SQLGlot's own expression objects, never into text by concatenation;
SQLGlot writes each dialect. What the engines disagree on is pinned down so that every engine
computes what the Python and vectorised executors compute: numbers are float64 (DuckDB and
PostgreSQL would otherwise do decimal arithmetic on `0.1`), division is always real division and
dividing by zero is NULL (PostgreSQL truncates integers and raises on zero, DuckDB gives inf),
a NaN in a number column is NULL (missing, tested per dialect), and `IS TRUE` / `IS FALSE`
are spelled with COALESCE, which every dialect reads alike.
"""

from __future__ import annotations

from functools import reduce

from sqlglot import exp

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

DIALECTS = ("duckdb", "postgres", "spark")

_COMPARE: dict[str, type[exp.Expression]] = {
    "=": exp.EQ,
    "<>": exp.NEQ,
    "<": exp.LT,
    "<=": exp.LTE,
    ">": exp.GT,
    ">=": exp.GTE,
}
_ARITHMETIC: dict[str, type[exp.Expression]] = {
    "+": exp.Add,
    "-": exp.Sub,
    "*": exp.Mul,
    "/": exp.Div,
}
_FUNCTIONS: dict[str, type[exp.Expression]] = {
    "abs": exp.Abs,
    "least": exp.Least,
    "greatest": exp.Greatest,
    "coalesce": exp.Coalesce,
}
_ATOMS = (Field, Const, Derived, Call, Case)


def to_sql(rule: Rule | Node, dialect: str) -> str:
    """The rule as a boolean SQL expression in `dialect`, identifiers quoted."""
    if dialect not in DIALECTS:
        raise ValueError(f"unsupported dialect {dialect!r}; choose one of {DIALECTS}")
    tree = rule.tree if isinstance(rule, Rule) else rule
    built = _Builder(execution=True, dialect=dialect).build(tree)
    return built.sql(dialect=dialect, identify=True)


def to_display_expression(node: Node) -> exp.Expression:
    """The node as written for people: derived fields by name, constants plain."""
    return _Builder(execution=False).build(node)


class _Builder:
    def __init__(self, *, execution: bool, dialect: str | None = None) -> None:
        self.execution = execution
        self.dialect = dialect

    def build(self, node: Node, *, in_arithmetic: bool = False) -> exp.Expression:
        if isinstance(node, Field):
            column = exp.column(node.name)
            if self.execution and node.type is FieldType.NUMBER:
                return self.without_nan(exp.cast(column, "DOUBLE"))
            return column
        if isinstance(node, Const):
            return self.constant(node, in_arithmetic=in_arithmetic)
        if isinstance(node, Derived):
            if self.execution:
                return exp.Paren(this=self.build(node.expression))
            return exp.column(node.name)
        if isinstance(node, Logic):
            kind = exp.And if node.op == "and" else exp.Or
            parts = [self.operand(item) for item in node.items]
            return reduce(lambda a, b: kind(this=a, expression=b), parts)
        if isinstance(node, Not):
            return exp.Not(this=self.operand(node.operand))
        if isinstance(node, Compare):
            return _COMPARE[node.op](
                this=self.operand(node.left), expression=self.operand(node.right)
            )
        if isinstance(node, Arith):
            return self.arithmetic(node)
        if isinstance(node, Neg):
            return exp.Neg(this=self.operand(node.operand, in_arithmetic=True))
        if isinstance(node, InList):
            values = [self.build(v) for v in node.values]
            return self.negate(
                exp.In(this=self.operand(node.operand), expressions=values), node.negated
            )
        if isinstance(node, Between):
            between = exp.Between(
                this=self.operand(node.operand),
                low=self.operand(node.low),
                high=self.operand(node.high),
            )
            return self.negate(between, node.negated)
        if isinstance(node, IsNull):
            test = exp.Is(this=self.operand(node.operand), expression=exp.Null())
            if not self.execution:  # as written, `x IS NOT NULL`: no deeper than the source
                test.set("negate", node.negated)
                return test
            return self.negate(test, node.negated)
        if isinstance(node, IsBool):
            return self.is_bool(node)
        if isinstance(node, Like):
            like = exp.Like(
                this=self.operand(node.operand), expression=exp.Literal.string(node.pattern)
            )
            if not self.execution:  # as written, `x NOT LIKE p`: no deeper than the source
                like.set("negate", node.negated)
                return like
            return self.negate(like, node.negated)
        if isinstance(node, Case):
            ifs = [exp.If(this=self.build(c), true=self.build(v)) for c, v in node.whens]
            if isinstance(node.default, Const) and node.default.value is None:
                # No ELSE (it yields NULL); `ELSE NULL` written out would not compile again.
                return exp.Case(ifs=ifs)
            return exp.Case(ifs=ifs, default=self.build(node.default))
        if isinstance(node, Call):
            args = [self.build(a) for a in node.args]
            call = _FUNCTIONS[node.name](this=args[0], expressions=args[1:])
            if node.name in ("least", "greatest"):
                call.set("ignore_nulls", True)  # as PostgreSQL and Spark: skip missing values
            return call
        raise TypeError(f"unknown node {type(node).__name__}")

    def without_nan(self, number: exp.Expression) -> exp.Expression:
        """NaN is missing data, as in the other executors (SQL engines treat it as a value,
        equal to itself and greater than every number). PostgreSQL has no ISNAN; DuckDB's
        optimiser folds `NULLIF(column, NaN)` to the column, as if NaN equalled nothing."""
        if self.dialect == "postgres":
            return exp.Nullif(this=number, expression=exp.cast(exp.Literal.string("NaN"), "DOUBLE"))
        return exp.Case(ifs=[exp.If(this=exp.IsNan(this=number), true=exp.Null())], default=number)

    def operand(self, node: Node, *, in_arithmetic: bool = False) -> exp.Expression:
        built = self.build(node, in_arithmetic=in_arithmetic)
        if isinstance(node, _ATOMS):
            return built
        return exp.Paren(this=built)

    def constant(self, node: Const, *, in_arithmetic: bool) -> exp.Expression:
        value = node.value
        if value is None:
            return exp.Null()
        if node.type is FieldType.BOOLEAN:
            return exp.Boolean(this=bool(value))
        if node.type is FieldType.TEXT:
            return exp.Literal.string(str(value))
        if node.type is FieldType.DATE:
            return exp.cast(exp.Literal.string(value.isoformat()), "DATE")  # type: ignore[union-attr]
        assert isinstance(value, int | float)
        literal: exp.Expression = exp.Literal.number(repr(abs(value)))
        if self.execution and (node.type is FieldType.NUMBER or in_arithmetic):
            literal = exp.cast(literal, "DOUBLE" if node.type is FieldType.NUMBER else "BIGINT")
        if value >= 0:
            return literal
        return exp.Paren(this=exp.Neg(this=literal)) if self.execution else exp.Neg(this=literal)

    def arithmetic(self, node: Arith) -> exp.Expression:
        left = self.operand(node.left, in_arithmetic=True)
        right = self.operand(node.right, in_arithmetic=True)
        if node.op == "/" and self.execution:
            left = exp.cast(left, "DOUBLE")
            right = exp.Nullif(this=exp.cast(right, "DOUBLE"), expression=exp.Literal.number(0))
        elif node.op == "/":
            # Shown as written: an untyped Div would be written `CAST(i AS DOUBLE PRECISION) / 2`
            # for PostgreSQL, which the parser refuses, so a rendered rule would not compile.
            return exp.Div(this=left, expression=right, typed=True)
        return _ARITHMETIC[node.op](this=left, expression=right)

    def is_bool(self, node: IsBool) -> exp.Expression:
        operand = self.operand(node.operand)
        if not self.execution:
            test = exp.Is(this=operand, expression=exp.Boolean(this=node.value))
            return self.negate(test, node.negated)
        tested = operand if node.value else exp.Not(this=operand)
        coalesced = exp.Coalesce(this=tested, expressions=[exp.Boolean(this=False)])
        return self.negate(coalesced, node.negated)

    @staticmethod
    def negate(expression: exp.Expression, negated: bool) -> exp.Expression:
        return exp.Not(this=exp.Paren(this=expression)) if negated else expression
