"""The parser under attack: any text, including hostile SQL, is either a rule within the
grammar or a RuleError — never another exception — and what is accepted renders back to text
that compiles to the same tree."""

from __future__ import annotations

import dataclasses
import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jinqi.rules import Rule, RuleError, compile_rule, render
from jinqi.rules import tree as tree_module
from jinqi.rules.parse import MAX_DEPTH
from jinqi.rules.tests.support import VOCABULARY, rules
from jinqi.rules.tree import (
    ARITHMETIC,
    COMPARISONS,
    FUNCTIONS,
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

NODE_CLASSES = frozenset(
    value
    for value in vars(tree_module).values()
    if isinstance(value, type) and issubclass(value, Node) and value is not Node
)

KEYWORDS = [
    "SELECT", "DROP", "TABLE", "UNION", "ALL", "FROM", "WHERE", "INSERT", "INTO", "DELETE",
    "UPDATE", "SET", "AND", "OR", "NOT", "IN", "IS", "NULL", "LIKE", "ILIKE", "ESCAPE",
    "BETWEEN", "SYMMETRIC", "CASE", "WHEN", "THEN", "ELSE", "END", "CAST", "AS", "DATE",
    "TRUE", "FALSE", "EXISTS", "ARRAY", "INTERVAL", "DISTINCT", "COLLATE", "OVER", "FILTER",
    "WITH", "RECURSIVE", "LATERAL", "VALUES", "ROW", "ANY", "SOME", "UNKNOWN", "OFFSET",
]  # fmt: skip
PUNCTUATION = [
    ";", "--", "/*", "*/", "'", "''", '"', "(", ")", "[", "]", "{", "}", ",", ".", "::", ":",
    "$$", "$1", "?", ":x", "@x", "\\", "%", "_", "||", "+", "-", "*", "/", "=", "<>", "!=",
    "<", "<=", ">", ">=", "!", "~", "^", "&", "|", "#", "`", "e'", "E'\\x41'", "x'00'", "0x1F",
]  # fmt: skip
WORDS = [
    *VOCABULARY.fields, *VOCABULARY.derived, "employees", "sqrt", "lower", "pg_sleep",
    "abs", "least", "greatest", "coalesce", "now", "current_date", "version", "public", "i.i",
    "1", "0", "-1", "2.5", "1e400", "1e-400", "9223372036854775808", "'a'", "'2024-02-30'",
    "'2024-02-29'", "DATE '2024-01-01'", "'%a_'", "NaN", "'NaN'", "Infinity",
]  # fmt: skip
UNICODE = [
    "金",
    "企",
    "（",
    "）",
    "；",
    "\u202e",
    "\u200b",
    "\x00",
    "\x7f",
    "😀",
    "ß",
    "İ",
    "\ufeff",
]
SPACES = [" ", "  ", "\n", "\t", "\r\n", "\u3000", ""]

fragments = st.sampled_from(KEYWORDS + PUNCTUATION + WORDS + UNICODE)
hostile = st.lists(st.tuples(fragments, st.sampled_from(SPACES)), max_size=30).map(
    lambda parts: "".join(f + s for f, s in parts)
)


@st.composite
def nested(draw: st.DrawFn) -> str:
    """Deep or unbalanced parentheses and long chains around a fragment."""
    inner = draw(st.one_of(hostile, rules))
    depth = draw(st.integers(min_value=0, max_value=300))
    closing = draw(st.integers(min_value=0, max_value=depth + 2))
    chain = draw(st.sampled_from(["", " AND b", " OR b", " + 1", " = TRUE"]))
    return "(" * depth + inner + ")" * closing + chain * draw(st.integers(0, 200))


@st.composite
def spliced(draw: st.DrawFn) -> str:
    """A valid rule with a hostile fragment inserted somewhere."""
    text = draw(rules)
    at = draw(st.integers(min_value=0, max_value=len(text)))
    return text[:at] + draw(st.one_of(hostile, fragments)) + text[at:]


@st.composite
def very_long(draw: st.DrawFn) -> str:
    return draw(fragments) * draw(st.integers(min_value=100, max_value=3000))


anything = st.one_of(st.text(max_size=200), hostile, nested(), spliced(), very_long())

FUZZ = settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

CONST_TYPES: dict[FieldType, tuple[type, ...]] = {
    FieldType.BOOLEAN: (bool,),
    FieldType.INTEGER: (int,),
    FieldType.NUMBER: (float,),
    FieldType.TEXT: (str,),
    FieldType.DATE: (datetime.date,),
}


def assert_within_grammar(node: Node) -> None:
    """Every node is one of the tree's classes with well-formed contents."""
    for part in node.walk():
        assert type(part) in NODE_CLASSES, type(part)
        assert isinstance(part.type, FieldType)
        if isinstance(part, Field):
            assert VOCABULARY.fields.get(part.name) is part.type
        elif isinstance(part, Derived):
            assert VOCABULARY.derived.get(part.name) == part
        elif isinstance(part, Const):
            if part.value is not None:
                assert isinstance(part.value, CONST_TYPES[part.type])
                assert part.type is FieldType.BOOLEAN or not isinstance(part.value, bool)
        elif isinstance(part, Compare):
            assert part.op in COMPARISONS and part.type is FieldType.BOOLEAN
        elif isinstance(part, Arith):
            assert part.op in ARITHMETIC and part.type.numeric
        elif isinstance(part, Call):
            assert part.name in FUNCTIONS and part.args
        elif isinstance(part, Logic):
            assert part.op in ("and", "or") and len(part.items) >= 2
            assert all(item.type is FieldType.BOOLEAN for item in part.items)
        elif isinstance(part, Not | IsNull | IsBool | InList | Between | Like):
            assert part.type is FieldType.BOOLEAN
            if isinstance(part, Like):
                assert "\\" not in part.pattern and part.operand.type is FieldType.TEXT
            if isinstance(part, InList):
                assert part.values and all(isinstance(v, Const) for v in part.values)
        elif isinstance(part, Neg):
            assert part.type.numeric
        elif isinstance(part, Case):
            assert part.whens
            assert all(c.type is FieldType.BOOLEAN for c, _ in part.whens)
        assert dataclasses.is_dataclass(part)


def assert_round_trip(rule: Rule) -> None:
    text = render(rule.tree)
    again = compile_rule(text, VOCABULARY)
    assert again.tree == rule.tree, text


@FUZZ
@given(text=anything)
def test_any_text_is_a_rule_within_the_grammar_or_a_rule_error(text: str) -> None:
    """compile_rule on any text returns a rule within the grammar or raises RuleError only."""
    try:
        rule = compile_rule(text, VOCABULARY)
    except RuleError as error:
        assert error.code and error.message("en") and error.message("zh_Hans")
        return
    assert rule.tree.type is FieldType.BOOLEAN
    assert_within_grammar(rule.tree)
    assert_round_trip(rule)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=rules)
def test_valid_rules_render_and_compile_to_the_same_tree(text: str) -> None:
    """A rule from the grammar is accepted, stays within it, and survives render and recompile."""
    rule = compile_rule(text, VOCABULARY)
    assert_within_grammar(rule.tree)
    assert_round_trip(rule)


@pytest.mark.parametrize(
    "base",
    [
        "(t NOT LIKE 'a')",
        "(i IS NOT NULL)",
        "(d = '2024-01-01')",
        "(b IS NOT TRUE)",
        "(ratio > 1)",
        "(i NOT IN (1, 2))",
        "(i NOT BETWEEN 1 AND 2)",
        "(CASE WHEN b THEN TRUE END)",
    ],
)
def test_deepest_accepted_rules_render_to_text_that_compiles(base: str) -> None:
    """A rule as deep as the limit allows renders to text that compiles to the same tree (the
    renderer's parentheses and negations as written do not push it over the limit)."""
    deepest = None
    for n in range(MAX_DEPTH + 2):
        try:
            deepest = compile_rule(base + " = TRUE" * n, VOCABULARY)
        except RuleError as error:
            assert error.code == "too_deep"
            break
    else:
        pytest.fail("the depth limit was never reached")
    assert deepest is not None
    assert_round_trip(deepest)
