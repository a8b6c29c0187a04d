"""The executors agree: for random profiles and random valid rules, the Python executor, the
vectorised one and the SQL compiled for DuckDB, PostgreSQL and Spark give every row the same
decision (true, false or unknown). They share only the validated tree."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jinqi.rules import Rule, compile_rule, evaluate
from jinqi.rules.sql import to_sql
from jinqi.rules.tests.support import (
    COLUMNS,
    VOCABULARY,
    arrow_table,
    plain_rules,
    profiles,
    row_strategy,
    rules,
)
from jinqi.rules.types import FieldType
from jinqi.rules.vector import Snapshot, evaluate_rows

Decisions = list[bool | None]

packs = st.lists(rules, min_size=1, max_size=6)
chunkings = st.sampled_from([1, 2, 3])

# Hypothesis settings: modest example counts keep the suite fast; engines have no deadline.
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ENGINE = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Spark takes about half a second per query, whatever its size: examples go to it in batches,
# each a table of many examples' profiles and their rules together.
SPARK = settings(
    max_examples=3,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
SPARK_BATCH = 40


def compiled(texts: Sequence[str]) -> list[Rule]:
    return [compile_rule(text, VOCABULARY) for text in texts]


def python_decisions(rule: Rule, rows: Sequence[dict[str, Any]]) -> Decisions:
    return [evaluate(rule, row) for row in rows]


def vector_decisions(rule: Rule, rows: Sequence[dict[str, Any]], chunks: int) -> Decisions:
    return evaluate_rows(rule, Snapshot(arrow_table(rows, chunks=chunks)))


def duckdb_decisions(
    duck: Any, pack: Sequence[Rule], rows: Sequence[dict[str, Any]]
) -> list[Decisions]:
    table = arrow_table(rows, chunks=2)  # DuckDB reads the dictionary-encoded Arrow table
    duck.register("profiles", table)
    try:
        columns = ", ".join(f"({to_sql(rule, 'duckdb')}) AS r{k}" for k, rule in enumerate(pack))
        result = duck.execute(f"SELECT {columns} FROM profiles ORDER BY idx").fetchall()
    finally:
        duck.unregister("profiles")
    return [[row[k] for row in result] for k in range(len(pack))]


PG_TYPES = {
    FieldType.INTEGER: "bigint",
    FieldType.NUMBER: "double precision",
    FieldType.TEXT: "text",
    FieldType.BOOLEAN: "boolean",
    FieldType.DATE: "date",
}


def postgres_decisions(
    connection: Any, pack: Sequence[Rule], rows: Sequence[dict[str, Any]]
) -> list[Decisions]:
    names = ["idx", *COLUMNS]
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS pg_temp.profiles")
        definition = ", ".join(f'"{n}" {PG_TYPES[k]}' for n, k in COLUMNS.items())
        cursor.execute(f"CREATE TEMPORARY TABLE profiles (idx bigint, {definition})")
        placeholders = ", ".join(["%s"] * len(names))
        quoted = ", ".join(f'"{n}"' for n in names)
        cursor.executemany(
            f"INSERT INTO profiles ({quoted}) VALUES ({placeholders})",
            [(k, *(row[n] for n in COLUMNS)) for k, row in enumerate(rows)],
        )
        columns = ", ".join(f"({to_sql(rule, 'postgres')}) AS r{k}" for k, rule in enumerate(pack))
        cursor.execute(f"SELECT {columns} FROM profiles ORDER BY idx")
        result = cursor.fetchall()
    return [[row[k] for row in result] for k in range(len(pack))]


SPARK_TYPES = {
    FieldType.INTEGER: "BIGINT",
    FieldType.NUMBER: "DOUBLE",
    FieldType.TEXT: "STRING",
    FieldType.BOOLEAN: "BOOLEAN",
    FieldType.DATE: "DATE",
}


def spark_literal(value: Any, kind: FieldType) -> str:
    """A typed Spark SQL literal; numbers travel as their exact decimal repr."""
    if value is None:
        return f"CAST(NULL AS {SPARK_TYPES[kind]})"
    if kind is FieldType.TEXT:
        return "'" + value.replace("'", "''") + "'"
    if kind is FieldType.BOOLEAN:
        return "TRUE" if value else "FALSE"
    if kind is FieldType.DATE:
        return f"DATE '{value.isoformat()}'"
    return f"CAST('{value!r}' AS {SPARK_TYPES[kind]})"


def spark_decisions(
    session: Any, pack: Sequence[Rule], rows: Sequence[dict[str, Any]]
) -> list[Decisions]:
    # A DataFrame over a local relation (inline VALUES): Spark answers without starting a job.
    values = ", ".join(
        "(" + ", ".join([str(k), *(spark_literal(row[n], t) for n, t in COLUMNS.items())]) + ")"
        for k, row in enumerate(rows)
    )
    names = ", ".join(["idx", *COLUMNS])
    session.sql(f"SELECT * FROM VALUES {values} AS profiles({names})").createOrReplaceTempView(
        "profiles"
    )
    columns = ", ".join(f"({to_sql(rule, 'spark')}) AS r{k}" for k, rule in enumerate(pack))
    result = sorted(
        session.sql(f"SELECT idx, {columns} FROM profiles").collect(), key=lambda r: r[0]
    )
    return [[row[k + 1] for row in result] for k in range(len(pack))]


def disagreement(rule: Rule, rows: Sequence[dict[str, Any]], **answers: Decisions) -> str:
    lines = [f"rule: {rule.source}"]
    lines += [f"{engine}: {answer}" for engine, answer in answers.items()]
    lines += [f"row {k}: {row}" for k, row in enumerate(rows)]
    return "\n".join(lines)


def check(rule: Rule, rows: Sequence[dict[str, Any]], **answers: Decisions) -> None:
    expected = python_decisions(rule, rows)
    for engine, answer in answers.items():
        assert answer == expected, disagreement(rule, rows, python=expected, **answers) + (
            f"\n{engine} disagrees"
        )


@pytest.mark.slow
@FAST
@given(texts=packs, rows=profiles, chunks=chunkings)
def test_python_vector_and_duckdb_agree(
    duck: Any, texts: list[str], rows: list[dict[str, Any]], chunks: int
) -> None:
    """Python, the vectorised executor (chunked Arrow) and DuckDB decide every row alike."""
    pack = compiled(texts)
    sql_answers = duckdb_decisions(duck, pack, rows)
    for rule, duck_answer in zip(pack, sql_answers, strict=True):
        check(rule, rows, vector=vector_decisions(rule, rows, chunks), duckdb=duck_answer)


@pytest.mark.postgres
@ENGINE
@given(texts=packs, rows=profiles)
def test_postgresql_agrees(
    postgres: Any, duck: Any, texts: list[str], rows: list[dict[str, Any]]
) -> None:
    """The SQL compiled for PostgreSQL gives every row the decision the other executors give."""
    pack = compiled(texts)
    pg_answers = postgres_decisions(postgres, pack, rows)
    duck_answers = duckdb_decisions(duck, pack, rows)
    for rule, pg, dk in zip(pack, pg_answers, duck_answers, strict=True):
        check(rule, rows, vector=vector_decisions(rule, rows, 1), duckdb=dk, postgres=pg)


@pytest.mark.slow
@pytest.mark.spark
@SPARK
@given(batch=st.lists(st.tuples(packs, profiles), min_size=SPARK_BATCH))
def test_spark_agrees(spark: Any, batch: list[tuple[list[str], list[dict[str, Any]]]]) -> None:
    """The SQL compiled for Spark gives every row the decision the other executors give: the
    examples of a batch in one table, every rule over every row, in one query."""
    pack = compiled([text for texts, _ in batch for text in texts])
    rows = [row for _, example_rows in batch for row in example_rows]
    answers = spark_decisions(spark, pack, rows)
    for rule, answer in zip(pack, answers, strict=True):
        check(rule, rows, vector=vector_decisions(rule, rows, 1), spark=answer)


def test_nan_is_missing_in_every_executor(duck: Any) -> None:
    """A NaN number reads as missing data: IS NULL holds and comparisons are unknown."""
    rows = [{**dict.fromkeys(COLUMNS), "n": math.nan}]
    for text, expected in (("n IS NULL", [True]), ("n > 0 OR n <= 0", [None])):
        rule = compile_rule(text, VOCABULARY)
        check(
            rule,
            rows,
            vector=vector_decisions(rule, rows, 1),
            duckdb=duckdb_decisions(duck, [rule], rows)[0],
        )
        assert python_decisions(rule, rows) == expected


# The derived fields as DuckDB computes them, written independently of the engine.
PLAIN_DERIVED = """
    SELECT *, ratio + j AS score FROM (
        SELECT *,
            CAST(n AS DOUBLE) / NULLIF(i, 0) AS ratio,
            b OR i > 0 AS flag,
            COALESCE(t, s) AS label,
            GREATEST(d, DATE '2022-01-01') AS start
        FROM profiles
    )
"""


@pytest.mark.slow
@FAST
@given(
    texts=st.lists(plain_rules, min_size=1, max_size=6),
    rows=st.lists(row_strategy(nan=False), min_size=1, max_size=8),
)
def test_rule_text_means_what_sql_means(
    duck: Any, texts: list[str], rows: list[dict[str, Any]]
) -> None:
    """The parser reads each construct as SQL does: DuckDB running the rule text as written
    decides every row as the Python executor does (this catches a misreading the executors
    would share, since they share the tree)."""
    pack = compiled(texts)
    duck.register("profiles", arrow_table(rows, chunks=2))
    try:
        columns = ", ".join(f"({text}) AS r{k}" for k, text in enumerate(texts))
        result = duck.execute(f"SELECT {columns} FROM ({PLAIN_DERIVED}) ORDER BY idx").fetchall()
    finally:
        duck.unregister("profiles")
    for k, rule in enumerate(pack):
        check(rule, rows, duckdb_reading_the_text=[row[k] for row in result])
