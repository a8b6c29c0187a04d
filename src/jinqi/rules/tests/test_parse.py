"""The parser and validator: every construct of the grammar is accepted with the tree it means,
and every refusal says why (`code`) and points at the offending part as written."""

from __future__ import annotations

import datetime

import pytest

from jinqi.rules import RuleError, compile_expression, compile_rule, render
from jinqi.rules.errors import MESSAGES, message
from jinqi.rules.parse import MAX_DEPTH, MAX_LENGTH
from jinqi.rules.tests.support import COLUMNS, VOCABULARY
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
    conditions,
    derived_used,
    fields_used,
)
from jinqi.rules.types import FieldType, Vocabulary, field_type

I = Field(type=FieldType.INTEGER, name="i")  # noqa: E741
N = Field(type=FieldType.NUMBER, name="n")
T = Field(type=FieldType.TEXT, name="t")
B = Field(type=FieldType.BOOLEAN, name="b")
D = Field(type=FieldType.DATE, name="d")
BOOL = FieldType.BOOLEAN


def tree(text: str) -> Node:
    return compile_rule(text, VOCABULARY).tree


def integer(value: int) -> Const:
    return Const(type=FieldType.INTEGER, value=value)


def refusal(text: str, vocabulary: Vocabulary = VOCABULARY) -> RuleError:
    with pytest.raises(RuleError) as caught:
        compile_rule(text, vocabulary)
    return caught.value


# Accepted constructs -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("i > 1", Compare(type=BOOL, op=">", left=I, right=integer(1))),
        ("i = 1", Compare(type=BOOL, op="=", left=I, right=integer(1))),
        ("i <> 1", Compare(type=BOOL, op="<>", left=I, right=integer(1))),
        ("i != 1", Compare(type=BOOL, op="<>", left=I, right=integer(1))),
        ("i < 1", Compare(type=BOOL, op="<", left=I, right=integer(1))),
        ("i <= 1", Compare(type=BOOL, op="<=", left=I, right=integer(1))),
        ("i >= 1", Compare(type=BOOL, op=">=", left=I, right=integer(1))),
        ("n < 2.5", Compare(type=BOOL, op="<", left=N, right=Const(FieldType.NUMBER, 2.5))),
        ("i = -3", Compare(type=BOOL, op="=", left=I, right=integer(-3))),
        ("i = +1", Compare(type=BOOL, op="=", left=I, right=integer(1))),
        ("t = 'a'", Compare(type=BOOL, op="=", left=T, right=Const(FieldType.TEXT, "a"))),
        ("'a' = t", Compare(type=BOOL, op="=", left=Const(FieldType.TEXT, "a"), right=T)),
        ("t = 'it''s'", Compare(type=BOOL, op="=", left=T, right=Const(FieldType.TEXT, "it's"))),
        ('"i" > 1', Compare(type=BOOL, op=">", left=I, right=integer(1))),
        ("b", B),
        ("TRUE", Const(type=BOOL, value=True)),
        ("b = FALSE", Compare(type=BOOL, op="=", left=B, right=Const(BOOL, False))),
        ("NOT b", Not(type=BOOL, operand=B)),
        ("b AND c", Logic(BOOL, "and", (B, Field(BOOL, "c")))),
        ("b OR c OR b", Logic(BOOL, "or", (B, Field(BOOL, "c"), B))),
        (
            "i + 1 > n * 2",
            Compare(
                BOOL,
                ">",
                Arith(FieldType.INTEGER, "+", I, integer(1)),
                Arith(FieldType.NUMBER, "*", N, integer(2)),
            ),
        ),
        (
            "i / 2 = 1",
            Compare(BOOL, "=", Arith(FieldType.NUMBER, "/", I, integer(2)), integer(1)),
        ),
        ("-i < 0", Compare(BOOL, "<", Neg(FieldType.INTEGER, I), integer(0))),
        ("i IN (1, 2)", InList(BOOL, I, (integer(1), integer(2)), negated=False)),
        ("i NOT IN (1, 2.5)", InList(BOOL, I, (integer(1), Const(FieldType.NUMBER, 2.5)), True)),
        ("t IN ('a')", InList(BOOL, T, (Const(FieldType.TEXT, "a"),), negated=False)),
        ("i BETWEEN 1 AND 5", Between(BOOL, I, integer(1), integer(5), negated=False)),
        ("i NOT BETWEEN 1 AND n", Between(BOOL, I, integer(1), N, negated=True)),
        ("i IS NULL", IsNull(BOOL, I, negated=False)),
        ("t IS NOT NULL", IsNull(BOOL, T, negated=True)),
        ("b IS TRUE", IsBool(BOOL, B, value=True, negated=False)),
        ("b IS FALSE", IsBool(BOOL, B, value=False, negated=False)),
        ("b IS NOT TRUE", Not(BOOL, IsBool(BOOL, B, value=True, negated=False))),
        ("t LIKE 'a%'", Like(BOOL, T, "a%", negated=False)),
        ("t NOT LIKE '_b'", Like(BOOL, T, "_b", negated=True)),
        ("ABS(i) = 1", Compare(BOOL, "=", Call(FieldType.INTEGER, "abs", (I,)), integer(1))),
        (
            "LEAST(i, n) > 0",
            Compare(BOOL, ">", Call(FieldType.NUMBER, "least", (I, N)), integer(0)),
        ),
        (
            "greatest(i, 1, 2) > 0",
            Compare(
                BOOL,
                ">",
                Call(FieldType.INTEGER, "greatest", (I, integer(1), integer(2))),
                integer(0),
            ),
        ),
        (
            "COALESCE(t, 'x') = 'x'",
            Compare(
                BOOL,
                "=",
                Call(FieldType.TEXT, "coalesce", (T, Const(FieldType.TEXT, "x"))),
                Const(FieldType.TEXT, "x"),
            ),
        ),
        ("COALESCE(b, FALSE)", Call(BOOL, "coalesce", (B, Const(BOOL, False)))),
        (
            "CASE WHEN b THEN 1 ELSE 2 END = 1",
            Compare(BOOL, "=", Case(FieldType.INTEGER, ((B, integer(1)),), integer(2)), integer(1)),
        ),
        (
            "CASE WHEN b THEN 1 END = 1",
            Compare(
                BOOL,
                "=",
                Case(FieldType.INTEGER, ((B, integer(1)),), Const(FieldType.INTEGER, None)),
                integer(1),
            ),
        ),
        (
            "CASE i WHEN 1 THEN TRUE ELSE FALSE END",
            Case(
                BOOL, ((Compare(BOOL, "=", I, integer(1)), Const(BOOL, True)),), Const(BOOL, False)
            ),
        ),
        (
            "d > DATE '2024-01-31'",
            Compare(BOOL, ">", D, Const(FieldType.DATE, datetime.date(2024, 1, 31))),
        ),
        (
            "d > '2024-02-29'",  # a text literal next to a date reads as a date
            Compare(BOOL, ">", D, Const(FieldType.DATE, datetime.date(2024, 2, 29))),
        ),
        (
            "d = '2024-01-01'::date",
            Compare(BOOL, "=", D, Const(FieldType.DATE, datetime.date(2024, 1, 1))),
        ),
        (
            "d BETWEEN '2024-01-01' AND DATE '2024-12-31'",
            Between(
                BOOL,
                D,
                Const(FieldType.DATE, datetime.date(2024, 1, 1)),
                Const(FieldType.DATE, datetime.date(2024, 12, 31)),
                negated=False,
            ),
        ),
        (
            "d IN ('2024-01-01')",
            InList(BOOL, D, (Const(FieldType.DATE, datetime.date(2024, 1, 1)),), negated=False),
        ),
        ("((b))", B),
    ],
)
def test_allowed_construct_compiles_to_its_tree(text: str, expected: Node) -> None:
    """Each construct of the grammar is accepted and compiles to the tree it means."""
    assert tree(text) == expected


def test_keywords_and_functions_are_case_insensitive() -> None:
    """Keywords and function names may be written in any case; the tree is the same."""
    assert tree("i between 1 and 2 or not b is null") == tree("i BETWEEN 1 AND 2 OR NOT b IS NULL")
    assert tree("abs(i) > least(n, 1)") == tree("ABS(i) > LEAST(n, 1)")


def test_integer_and_number_mix_in_comparisons_and_arithmetic() -> None:
    """Integers and numbers compare and combine freely; integer-only arithmetic stays integer."""
    assert compile_expression("i + j", VOCABULARY).type is FieldType.INTEGER
    assert compile_expression("i + n", VOCABULARY).type is FieldType.NUMBER
    assert compile_expression("i / j", VOCABULARY).type is FieldType.NUMBER
    assert compile_expression("i * 1.5", VOCABULARY).type is FieldType.NUMBER
    assert compile_expression("1e3", VOCABULARY) == Const(FieldType.NUMBER, 1000.0)


def test_derived_fields_are_inlined_and_shown_by_name() -> None:
    """A derived field compiles to a Derived node over base fields and renders by its name."""
    rule = tree("ratio > 1 AND label = 'a'")
    assert isinstance(rule, Logic)
    ratio = rule.items[0].children()[0]
    assert isinstance(ratio, Derived) and ratio.name == "ratio"
    assert ratio.type is FieldType.NUMBER
    assert ratio.expression == Arith(FieldType.NUMBER, "/", N, I)
    assert render(rule) == "(ratio > 1) AND (label = 'a')"
    assert fields_used(rule) == ["n", "i", "t", "s"]
    assert [d.name for d in derived_used(rule)] == ["ratio", "label"]


def test_derived_field_may_use_an_earlier_derived_field() -> None:
    """A definition may use the definitions before it, and its tree nests the earlier one."""
    score = VOCABULARY.derived["score"]
    assert isinstance(score, Derived)
    assert VOCABULARY.derived["ratio"] in score.walk()
    assert fields_used(score) == ["n", "i", "j"]


def test_derived_field_may_not_use_a_later_one() -> None:
    """Definitions are compiled in order: a later name is unknown to an earlier definition."""
    base = Vocabulary({"i": FieldType.INTEGER})
    with pytest.raises(RuleError) as caught:
        base.with_derived({"a": "b + 1", "b": "i * 2"})
    assert caught.value.code == "unknown_field"
    assert caught.value.fragment == "b"


@pytest.mark.parametrize("name", ["i", "ratio"])
def test_derived_field_may_not_be_defined_twice(name: str) -> None:
    """A derived name that repeats a field or a derived field is refused, naming it."""
    with pytest.raises(RuleError) as caught:
        VOCABULARY.with_derived({name: "i + 1"})
    assert caught.value.code == "duplicate_derived"
    assert caught.value.fragment == name
    assert name in caught.value.message("en")


def test_bad_derived_definition_is_refused_with_its_fault() -> None:
    """A derived definition goes through the same validator as a rule."""
    with pytest.raises(RuleError) as caught:
        VOCABULARY.with_derived({"root": "sqrt(n)"})
    assert caught.value.code == "unknown_function"


def test_conditions_are_the_operands_of_a_top_level_and() -> None:
    """A rule is explained by the operands of its top-level AND, or by itself."""
    assert conditions(tree("b AND i > 1 AND c")) == (
        B,
        Compare(BOOL, ">", I, integer(1)),
        Field(BOOL, "c"),
    )
    single = tree("b OR c")
    assert conditions(single) == (single,)


def test_vocabulary_from_arrow_schema_keeps_usable_columns() -> None:
    """A Parquet schema gives the vocabulary its typed columns; dictionary text is categorical."""
    import pyarrow as pa

    schema = pa.schema(
        [
            ("a", pa.int32()),
            ("b", pa.float32()),
            ("c", pa.decimal128(10, 2)),
            ("d", pa.dictionary(pa.int32(), pa.string())),
            ("e", pa.large_string()),
            ("f", pa.bool_()),
            ("g", pa.date32()),
            ("h", pa.timestamp("s")),
            ("k", pa.list_(pa.int64())),
        ]
    )
    vocabulary = Vocabulary.from_arrow_schema(schema)
    assert dict(vocabulary.fields) == {
        "a": FieldType.INTEGER,
        "b": FieldType.NUMBER,
        "c": FieldType.NUMBER,
        "d": FieldType.TEXT,
        "e": FieldType.TEXT,
        "f": FieldType.BOOLEAN,
        "g": FieldType.DATE,
    }
    assert vocabulary.categorical == frozenset({"d"})
    assert vocabulary.names() == ["a", "b", "c", "d", "e", "f", "g"]


def test_registry_type_aliases() -> None:
    """The registry's money and ratio types are numbers to the rules."""
    assert field_type("money") is FieldType.NUMBER
    assert field_type("ratio") is FieldType.NUMBER
    assert field_type("date") is FieldType.DATE


def test_long_but_reasonable_rules_are_accepted() -> None:
    """Forty conditions joined by AND, or thirty nested parentheses, are within the limits."""
    chain = " AND ".join(f"i <> {k}" for k in range(40))
    assert len(conditions(tree(chain))) == 40
    assert tree("(" * 30 + "b" + ")" * 30) == B


# Refusals ------------------------------------------------------------------------------------


REFUSALS = [
    # (text, code, fragment: the offending part as the message shows it)
    ("employees > 10", "unknown_field", "employees"),
    ("i > 1 AND foo > 2", "unknown_field", "foo"),
    ("I > 1", "unknown_field", "I"),
    ("sqrt(n) > 1", "unknown_function", "SQRT(n)"),
    ("lower(t) = 'a'", "unknown_function", "LOWER(t)"),
    ("pg_sleep(10) IS NULL", "unknown_function", "PG_SLEEP(10)"),
    ("random() > 0.5", "unknown_function", "RANDOM()"),
    ("d > CURRENT_DATE", "unknown_function", "CURRENT_DATE"),
    ("i ^ 2 > 1", "unknown_function", "POWER(i, 2)"),
    ("EXISTS (SELECT 1)", "unknown_function", "EXISTS(SELECT 1)"),
    ("i IN (SELECT i FROM profiles)", "not_allowed", "i IN (SELECT i FROM profiles)"),
    ("(SELECT 1) = i", "not_allowed", "(SELECT 1)"),
    ("i > 1 UNION SELECT 1", "not_allowed", "i > 1 UNION SELECT 1"),
    ("SELECT 1", "not_allowed", "SELECT 1"),
    ("DROP TABLE profiles", "not_allowed", "DROP TABLE profiles"),
    ("i > 1; DROP TABLE profiles", "statement", ";"),
    ("i > 1;", "statement", ";"),
    ("i > 1 -- always", "comment", "always"),
    ("i > 1 /* note */", "comment", "note"),
    ("/* note */ i > 1", "comment", "note"),
    ("t = 1", "type_mismatch", "t = 1"),
    ("i = 'a'", "type_mismatch", "i = 'a'"),
    ("b = 1", "type_mismatch", "b = 1"),
    ("d = 1", "type_mismatch", "d = 1"),
    ("COALESCE(i, 'a') IS NULL", "type_mismatch", "COALESCE(i, 'a')"),
    ("CASE WHEN b THEN 1 ELSE 'a' END = 1", "type_mismatch", "CASE WHEN b THEN 1 ELSE 'a' END"),
    ("t > 'a'", "text_order", "t > 'a'"),
    ("t BETWEEN 'a' AND 'b'", "text_order", "t BETWEEN 'a' AND 'b'"),
    ("GREATEST(t, s) = 'a'", "text_order", "GREATEST(t, s)"),
    ("b > TRUE", "boolean_order", "b > TRUE"),
    ("abs(t) = 1", "not_numeric", "ABS(t)"),
    ("-t = 'a'", "not_numeric", "-t"),
    ("t + 1 > 2", "not_numeric", "t + 1"),
    ("d - 1 > d", "not_numeric", "d - 1"),
    ("p.i > 1", "qualified_name", "p.i"),
    ("public.profiles.i > 1", "qualified_name", "public.profiles.i"),
    ("i = NULL", "null_literal", "NULL"),
    ("i <> NULL", "null_literal", "NULL"),
    ("COALESCE(i, NULL) = 1", "null_literal", "NULL"),
    ("CAST(i AS TEXT) = 'a'", "not_allowed", "CAST(i AS TEXT)"),
    ("i::text = 'a'", "not_allowed", "CAST(i AS TEXT)"),
    ("CAST('1' AS INTEGER) = i", "not_allowed", "CAST('1' AS INT)"),
    ("CAST(d AS DATE) = d", "not_allowed", "CAST(d AS DATE)"),
    ("CAST('2024-01-01' AS TIMESTAMP) = d", "not_allowed", "CAST('2024-01-01' AS TIMESTAMP)"),
    ("i = 1::bigint", "not_allowed", "CAST(1 AS BIGINT)"),
    ("i IN (j, 1)", "in_list", "i IN (j, 1)"),
    ("i IN (1, 'a')", "in_list", "i IN (1, 'a')"),
    ("b IN (TRUE)", "in_list", "b IN (TRUE)"),
    ("t LIKE 'a' ESCAPE '!'", "not_allowed", "t LIKE 'a' ESCAPE '!'"),
    ("t LIKE 'a\\%'", "like_pattern", "t LIKE 'a\\%'"),
    ("t LIKE s", "like_pattern", "t LIKE s"),
    ("t LIKE 'a' || s", "like_pattern", "t LIKE 'a' || s"),
    ("i LIKE '1%'", "like_pattern", "i LIKE '1%'"),
    ("t ILIKE 'a'", "not_allowed", "t ILIKE 'a'"),
    ("t SIMILAR TO 'a'", "not_allowed", "t SIMILAR TO 'a'"),
    ("i BETWEEN SYMMETRIC 1 AND 2", "not_allowed", "i BETWEEN SYMMETRIC 1 AND 2"),
    ("i IS DISTINCT FROM j", "not_allowed", "i IS DISTINCT FROM j"),
    ("t IS TRUE", "not_allowed", "t IS TRUE"),
    ("i % 2 = 0", "not_allowed", "i % 2"),
    ("i = $1", "not_allowed", "$1"),
    ("i = ?", "not_allowed", "?"),
    ("i = (1, 2)", "not_allowed", "(1, 2)"),
    ("d = INTERVAL '1 day'", "not_allowed", "INTERVAL '1 DAY'"),
    ("i > 1e400", "bad_literal", "1e400"),
    ("d = DATE '2024-02-30'", "bad_literal", "CAST('2024-02-30' AS DATE)"),
    ("d = '2024-02-30'", "bad_literal", "d = '2024-02-30'"),
    ("d IN ('2023-02-29')", "bad_literal", "d IN ('2023-02-29')"),
    ("least(i) > 1", "arguments", "LEAST(i)"),
    ("i + 1", "not_boolean", "i + 1"),
    ("t", "not_boolean", "t"),
    ("ratio", "not_boolean", "ratio"),
    ("NOT i", "not_boolean", "i"),
    ("i AND b", "not_boolean", "i"),
    ("i > ", "syntax", ">"),
    ("i > 1 OR", "syntax", "OR"),
]


@pytest.mark.parametrize(("text", "code", "fragment"), REFUSALS)
def test_refusal_names_its_reason_and_the_offending_fragment(
    text: str, code: str, fragment: str
) -> None:
    """A refused rule raises RuleError with its code and the offending part, in both languages."""
    error = refusal(text)
    assert (error.code, error.fragment) == (code, fragment)
    english, chinese = error.message("en"), error.message("zh_Hans")
    assert english and chinese
    assert f'"{fragment}"' in english
    assert f"「{fragment}」" in chinese
    assert str(error) == english


@pytest.mark.parametrize(
    ("text", "column"),
    [("employees > 10", 1), ("i > 1 AND foo > 2", 11), ("i > 1; x", 6), ("p.i > 1", 3)],
)
def test_refusal_gives_the_column_when_known(text: str, column: int) -> None:
    """Where the parser knows it, the 1-based column of the offending word is in the message."""
    error = refusal(text)
    assert error.position == column
    assert f"(column {column})" in error.message("en")


def test_unknown_field_in_an_empty_vocabulary() -> None:
    """A vocabulary without the field refuses it even in an otherwise valid rule."""
    error = refusal("i > 1", Vocabulary({}))
    assert (error.code, error.fragment) == ("unknown_field", "i")


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_empty_rule_is_refused(text: str) -> None:
    """An empty or blank rule is refused as empty."""
    error = refusal(text)
    assert error.code == "empty"
    assert error.message("en") == "The rule is empty."
    assert error.message("zh_Hans")


def test_too_long_rule_is_refused_before_parsing() -> None:
    """A rule longer than the limit is refused, the message naming the limit."""
    text = "i > 1 OR " * (MAX_LENGTH // 9 + 1) + "b"
    assert len(text) > MAX_LENGTH
    error = refusal(text)
    assert error.code == "too_long"
    assert str(MAX_LENGTH) in error.message("en") and str(MAX_LENGTH) in error.message("zh_Hans")
    assert refusal("b OR " + "x" * MAX_LENGTH).code == "too_long"


@pytest.mark.parametrize(
    "text",
    [
        "(" * (MAX_DEPTH + 1) + "b" + ")" * (MAX_DEPTH + 1),
        "(" * 500 + "b" + ")" * 500,
        "(" * 90 + "b",  # refused for depth before its unbalanced parentheses are read
        " AND ".join(["i > 1"] * 200),
        " OR ".join(["b"] * 300),
        "NOT " * 200 + "b",
        "i" + " + i" * 400 + " > 1",
        "CASE WHEN b THEN " * 60 + "1" + " END" * 60 + " = 1",
        "ABS(" * 100 + "i" + ")" * 100 + " > 1",
    ],
)
def test_too_deep_rule_is_refused(text: str) -> None:
    """Deep parentheses, long AND/OR chains and deep nesting are refused as too deep."""
    assert len(text) <= MAX_LENGTH
    error = refusal(text)
    assert error.code == "too_deep"
    assert error.message("en") and error.message("zh_Hans")


def test_every_column_of_the_test_vocabulary_is_usable() -> None:
    """Each field of the test vocabulary compiles in an IS NULL test (a sanity check)."""
    for name in [*COLUMNS, *VOCABULARY.derived]:
        assert tree(f"{name} IS NULL") == IsNull(
            BOOL, VOCABULARY.derived.get(name) or Field(COLUMNS[name], name), negated=False
        )


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_every_message_is_translated_into_chinese(code: str) -> None:
    """Each refusal template has a Chinese translation in the project's catalogue."""
    template = MESSAGES[code]
    assert message(template, "zh_Hans") != template
    assert message(template, "en") == template


def test_kind_names_are_translated_in_messages() -> None:
    """The kinds a type mismatch names are translated along with the message."""
    error = refusal("t = 1")
    assert "text" in error.message("en") and "a whole number" in error.message("en")
    chinese = error.message("zh_Hans")
    assert "text" not in chinese and "whole number" not in chinese


def test_default_language_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a language, messages follow LANGUAGE/LANG, Chinese by default."""
    error = refusal("employees > 10")
    monkeypatch.delenv("LANGUAGE", raising=False)
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    assert error.message() == error.message("en")
    monkeypatch.setenv("LANG", "C.UTF-8")
    assert error.message() == error.message("zh_Hans")
    monkeypatch.setenv("LANGUAGE", "en")
    assert error.message() == error.message("en")
