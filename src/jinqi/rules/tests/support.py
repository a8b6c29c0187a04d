"""Shared test material: a vocabulary with every field type, profiles as Arrow tables, and
Hypothesis strategies for profiles and for valid rule text over that vocabulary."""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable, Sequence
from typing import Any

import pyarrow as pa
from hypothesis import strategies as st

from jinqi.rules.types import FieldType, Vocabulary

# Two columns of each type, so expressions can compare columns with columns. `t` travels as
# dictionary codes (a categorical field), `s` as plain strings.
COLUMNS: dict[str, FieldType] = {
    "i": FieldType.INTEGER,
    "j": FieldType.INTEGER,
    "n": FieldType.NUMBER,
    "m": FieldType.NUMBER,
    "t": FieldType.TEXT,
    "s": FieldType.TEXT,
    "b": FieldType.BOOLEAN,
    "c": FieldType.BOOLEAN,
    "d": FieldType.DATE,
    "e": FieldType.DATE,
}
DERIVED = {
    "ratio": "n / i",  # a number, NULL where i is 0
    "score": "ratio + j",  # a derived field built on another
    "flag": "b OR i > 0",
    "label": "COALESCE(t, s)",
    "start": "GREATEST(d, DATE '2022-01-01')",
}
VOCABULARY = Vocabulary(COLUMNS, {}, frozenset({"t"})).with_derived(DERIVED)

ARROW_TYPES = {
    FieldType.INTEGER: pa.int64(),
    FieldType.NUMBER: pa.float64(),
    FieldType.TEXT: pa.string(),
    FieldType.BOOLEAN: pa.bool_(),
    FieldType.DATE: pa.date32(),
}

WORDS = ("", "a", "b", "ab", "ba", "A", "a_b", "a%", "金", "金融", "x y", "a ", "a\nb")
FLOATS = (0.0, -0.0, 0.5, -1.5, 2.25, 0.1, 0.2, 0.3, 3.0, 1e6, -1e6, 1e-3)
DATES = tuple(
    datetime.date.fromisoformat(text)
    for text in (
        "2020-01-01",
        "2021-06-30",
        "2022-01-01",
        "2023-12-31",
        "2024-02-29",
        "2024-03-01",
        "1999-12-31",
    )
)

# -- profiles --------------------------------------------------------------------------------

integers = st.one_of(
    st.sampled_from([0, 1, -1, 2, 18, 100, 10**6, -(10**6)]),
    st.integers(min_value=-(10**6), max_value=10**6),
)
floats = st.one_of(
    st.sampled_from(FLOATS),
    st.floats(
        min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False, allow_subnormal=False
    ),
)
VALUES: dict[FieldType, st.SearchStrategy[Any]] = {
    FieldType.INTEGER: integers,
    FieldType.NUMBER: floats,
    FieldType.TEXT: st.sampled_from(WORDS),
    FieldType.BOOLEAN: st.booleans(),
    FieldType.DATE: st.sampled_from(DATES),
}


def row_strategy(*, nan: bool = True) -> st.SearchStrategy[dict[str, Any]]:
    """One profile: every column may be missing; number columns may also hold NaN (missing)."""
    columns = {}
    for name, kind in COLUMNS.items():
        options = [st.none(), VALUES[kind]]
        if nan and kind is FieldType.NUMBER:
            options.append(st.just(math.nan))
        columns[name] = st.one_of(*options)
    return st.fixed_dictionaries(columns)


profiles = st.lists(row_strategy(), min_size=1, max_size=8)


def arrow_table(rows: Sequence[dict[str, Any]], *, chunks: int = 1) -> pa.Table:
    """The profiles as Arrow, `t` dictionary-encoded, in `chunks` chunks (each with its own
    dictionary), plus an `idx` column giving each row's position."""
    pieces = []
    size = max(1, math.ceil(len(rows) / chunks))
    for start in range(0, len(rows), size):
        part = rows[start : start + size]
        arrays = {"idx": pa.array(range(start, start + len(part)), pa.int64())}
        for name, kind in COLUMNS.items():
            array = pa.array([row[name] for row in part], ARROW_TYPES[kind], from_pandas=False)
            if name == "t":
                array = array.dictionary_encode()
            arrays[name] = array
        pieces.append(pa.table(arrays))
    return pa.concat_tables(pieces)


# -- rule text over the grammar ------------------------------------------------------------

Strategy = st.SearchStrategy[str]


def _number_literal(value: float | int) -> str:
    text = repr(value)
    return f"({text})" if text.startswith("-") else text


def _wrap(strategy: st.SearchStrategy[tuple[Any, ...]], form: Callable[..., str]) -> Strategy:
    return strategy.map(lambda parts: "(" + form(*parts) + ")")


def _text_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _date_literal(value: datetime.date, plain: bool) -> str:
    return f"'{value.isoformat()}'" if plain else f"DATE '{value.isoformat()}'"


int_constants = st.one_of(
    st.sampled_from([0, 1, 2, 3, 18, 100]), st.integers(min_value=-1000, max_value=1000)
).map(_number_literal)
any_float_constants = st.one_of(
    st.sampled_from([0.0, 0.5, 1.5, 0.1, 2.25, 1000.0]),
    st.floats(min_value=-1e3, max_value=1e3, allow_nan=False, allow_subnormal=False),
).map(_number_literal)
# Binary fractions with few digits: the same value whether an engine reads the literal as a
# decimal or as a double.
exact_float_constants = st.sampled_from([0.0, 0.5, 1.5, 2.25, -0.75, 1000.0]).map(_number_literal)
text_leaves = st.one_of(
    st.sampled_from(["t", "s", "label"]), st.sampled_from(WORDS).map(_text_literal)
)
date_constants = st.builds(_date_literal, st.sampled_from(DATES), st.just(False))
date_leaves = st.one_of(st.sampled_from(["d", "e", "start"]), date_constants)
bool_leaves = st.sampled_from(["b", "c", "flag", "TRUE", "FALSE"])
comparisons = st.sampled_from(["=", "<>", "<", "<=", ">", ">="])
like_patterns = st.lists(
    st.sampled_from(["a", "b", "金", "A", " ", "%", "_", "%", "_"]), max_size=4
).map(lambda parts: _text_literal("".join(parts)))


def _function(name: str, args: Sequence[str]) -> str:
    return f"{name}({', '.join(args)})"


class Grammar:
    """Strategies for rule text. `division=False` and `exact=True` keep to what any SQL engine
    reads with the rules' meaning as written (no `/`, whose meaning the rules pin down, and
    float literals that are the same as decimals), for checking the parser against DuckDB."""

    def __init__(self, *, division: bool = True, exact: bool = False) -> None:
        self.division = division
        self.float_constants = exact_float_constants if exact else any_float_constants
        self.number_leaves = st.one_of(
            st.sampled_from(["i", "j", "n", "m", "ratio", "score"]),
            int_constants,
            self.float_constants,
        )

    def numbers(self, depth: int) -> Strategy:
        """Numeric expressions (integer or number). Multiplication takes leaves only, so
        integers stay far inside 64 bits and every engine computes the same float64 values."""
        leaves = self.number_leaves
        if depth <= 0:
            return leaves
        sub = self.numbers(depth - 1)
        forms = [
            leaves,
            _wrap(st.tuples(sub, st.sampled_from(["+", "-"]), sub), "{} {} {}".format),
            _wrap(st.tuples(leaves, leaves), "{} * {}".format),
            sub.map("(-{})".format),
            sub.map("ABS({})".format),
            st.tuples(
                st.sampled_from(["LEAST", "GREATEST"]), st.lists(sub, min_size=2, max_size=3)
            ).map(lambda p: _function(*p)),
            st.lists(sub, min_size=1, max_size=3).map(lambda a: _function("COALESCE", a)),
            self.case(depth, sub),
            _wrap(
                st.tuples(st.sampled_from(["i", "j"]), int_constants, sub, sub),
                "CASE {} WHEN {} THEN {} ELSE {} END".format,
            ),
        ]
        if self.division:
            divisors = st.one_of(sub, st.just("0"), st.just("0.0"))
            forms.append(_wrap(st.tuples(sub, divisors), "{} / {}".format))
        return st.one_of(*forms)

    def texts(self, depth: int) -> Strategy:
        if depth <= 0:
            return text_leaves
        sub = self.texts(depth - 1)
        return st.one_of(
            text_leaves,
            st.lists(sub, min_size=1, max_size=3).map(lambda a: _function("COALESCE", a)),
            self.case(depth, sub),
        )

    def dates(self, depth: int) -> Strategy:
        if depth <= 0:
            return date_leaves
        sub = self.dates(depth - 1)
        return st.one_of(
            date_leaves,
            st.tuples(
                st.sampled_from(["LEAST", "GREATEST"]), st.lists(sub, min_size=2, max_size=3)
            ).map(lambda p: _function(*p)),
            st.lists(sub, min_size=1, max_size=2).map(lambda a: _function("COALESCE", a)),
            self.case(depth, sub),
        )

    def case(self, depth: int, values: Strategy) -> Strategy:
        """A searched CASE with one or two branches, with or without ELSE."""
        branch = st.tuples(self.conditions(depth - 1), values).map(
            lambda p: f"WHEN {p[0]} THEN {p[1]}"
        )
        return st.tuples(st.lists(branch, min_size=1, max_size=2), st.none() | values).map(
            lambda p: (
                "(CASE " + " ".join(p[0]) + (f" ELSE {p[1]}" if p[1] is not None else "") + " END)"
            )
        )

    def conditions(self, depth: int) -> Strategy:
        """Boolean expressions: every construct of the grammar at the top, leaves below."""
        leaves = self.number_leaves
        if depth <= 0:
            return st.one_of(
                bool_leaves, _wrap(st.tuples(leaves, comparisons, leaves), "{} {} {}".format)
            )
        num, text, date = self.numbers(depth - 1), self.texts(depth - 1), self.dates(depth - 1)
        sub = self.conditions(depth - 1)
        number_list = st.lists(
            st.one_of(int_constants, self.float_constants), min_size=1, max_size=4
        )
        text_list = st.lists(st.sampled_from(WORDS).map(_text_literal), min_size=1, max_size=4)
        date_list = st.lists(
            st.builds(_date_literal, st.sampled_from(DATES), st.booleans()), min_size=1, max_size=3
        )
        membership = st.sampled_from(["IN", "NOT IN"])
        between = st.sampled_from(["BETWEEN", "NOT BETWEEN"])
        return st.one_of(
            bool_leaves,
            _wrap(st.tuples(num, comparisons, num), "{} {} {}".format),
            _wrap(st.tuples(text, st.sampled_from(["=", "<>"]), text), "{} {} {}".format),
            _wrap(st.tuples(sub, st.sampled_from(["=", "<>"]), sub), "{} {} {}".format),
            _wrap(st.tuples(date, comparisons, date), "{} {} {}".format),
            _wrap(
                st.tuples(
                    st.sampled_from(["d", "e", "start"]),
                    comparisons,
                    st.builds(_date_literal, st.sampled_from(DATES), st.booleans()),
                ),
                "{} {} {}".format,
            ),
            st.lists(sub, min_size=2, max_size=3).map(lambda xs: "(" + " AND ".join(xs) + ")"),
            st.lists(sub, min_size=2, max_size=3).map(lambda xs: "(" + " OR ".join(xs) + ")"),
            sub.map("(NOT {})".format),
            _wrap(st.tuples(num, membership, number_list), _membership),
            _wrap(st.tuples(text, membership, text_list), _membership),
            _wrap(st.tuples(date, membership, date_list), _membership),
            _wrap(st.tuples(num, between, num, num), "{} {} {} AND {}".format),
            _wrap(st.tuples(date, between, date, date), "{} {} {} AND {}".format),
            _wrap(
                st.tuples(
                    st.one_of(num, text, date, sub), st.sampled_from(["IS NULL", "IS NOT NULL"])
                ),
                "{} {}".format,
            ),
            _wrap(
                st.tuples(
                    sub, st.sampled_from(["IS TRUE", "IS NOT TRUE", "IS FALSE", "IS NOT FALSE"])
                ),
                "{} {}".format,
            ),
            _wrap(
                st.tuples(text, st.sampled_from(["LIKE", "NOT LIKE"]), like_patterns),
                "{} {} {}".format,
            ),
            self.case(depth, sub),
            st.lists(sub, min_size=2, max_size=3).map(lambda a: _function("COALESCE", a)),
        )


def _membership(operand: str, op: str, values: Sequence[str]) -> str:
    return f"{operand} {op} ({', '.join(values)})"


rules = Grammar().conditions(3)
# Rules whose text DuckDB reads, as written, with the rules' meaning.
plain_rules = Grammar(division=False, exact=True).conditions(3)
