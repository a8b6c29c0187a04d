"""The SQL engines agree with the vectorised executor: for random profiles with missing values
and random valid packs, read from Parquet as `jinqi rules evaluate --engine` reads them, DuckDB
and Spark give every rule the same eligible and unknown counts and the same eligible pairs in
the same order. Spark runs in the one session of the run, on many examples batched into one
file (a query costs it a job, not microseconds)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jinqi.rules import Rule, compile_rule
from jinqi.rules.engines import (
    CHUNK,
    ROW,
    DuckDBEngine,
    SparkEngine,
    SqlEngine,
    decided_rows,
    evaluate_pack_sql,
)
from jinqi.rules.tests.support import VOCABULARY, arrow_table, profiles, rules
from jinqi.rules.vector import PackCounts, Snapshot, evaluate_pack, evaluate_rows

Rows = list[dict[str, Any]]
Pairs = list[tuple[int, int]]

# More rules than one chunk, so that chunking and the pack positions across chunks are tested.
packs = st.lists(rules, min_size=1, max_size=CHUNK + 5)
# Examples of a Spark batch: each a pack and profiles, run together as one pack over one file.
BATCH = 40
batches = st.lists(st.tuples(st.lists(rules, min_size=1, max_size=4), profiles), min_size=BATCH)


def write_parquet(rows: Rows, path: Path) -> Path:
    """The profiles as a Parquet file of several row groups (`t` dictionary-encoded)."""
    pq.write_table(arrow_table(rows, chunks=2), path, row_group_size=3)
    return path


def vector_result(pack: Sequence[Rule], rows: Rows) -> tuple[PackCounts, Pairs]:
    pairs: Pairs = []

    def add(rule: int, true: Any) -> None:
        pairs.extend((rule, int(row)) for row in np.flatnonzero(true))

    counts = evaluate_pack(list(pack), Snapshot(arrow_table(rows, chunks=2)), add)
    return counts, pairs


def engine_result(engine: SqlEngine, pack: Sequence[Rule]) -> tuple[PackCounts, Pairs]:
    pairs: Pairs = []

    def add(codes: np.ndarray, rows: np.ndarray) -> None:
        pairs.extend(zip(codes.tolist(), rows.tolist(), strict=True))

    return evaluate_pack_sql(engine, list(pack), add), pairs


def assert_agree(engine: SqlEngine, pack: Sequence[Rule], rows: Rows) -> None:
    expected_counts, expected_pairs = vector_result(pack, rows)
    counts, pairs = engine_result(engine, pack)
    sources = [rule.source for rule in pack]
    assert counts == expected_counts, f"{engine.dialect} counts differ for {sources}"
    assert pairs == expected_pairs, f"{engine.dialect} pairs differ for {sources}"


@contextmanager
def duckdb_over(rows: Rows, path: Path) -> Iterator[DuckDBEngine]:
    engine = DuckDBEngine(write_parquet(rows, path))
    try:
        yield engine
    finally:
        engine.close()


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=packs, rows=profiles)
def test_duckdb_engine_agrees_with_the_vectorised_executor(
    tmp_path_factory: pytest.TempPathFactory, texts: list[str], rows: Rows
) -> None:
    """DuckDB over the Parquet file gives the vectorised executor's counts and pairs."""
    pack = [compile_rule(text, VOCABULARY) for text in texts]
    with duckdb_over(rows, tmp_path_factory.mktemp("duckdb") / "profiles.parquet") as engine:
        assert_agree(engine, pack, rows)


@pytest.mark.slow
@pytest.mark.spark
@settings(
    max_examples=2,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(batch=batches)
def test_spark_engine_agrees_with_the_vectorised_executor(
    spark: Any, tmp_path_factory: pytest.TempPathFactory, batch: list[tuple[list[str], Rows]]
) -> None:
    """Spark over the Parquet file, split into many tasks, gives the vectorised executor's
    counts and pairs: every example's rules over every example's profiles, in one file."""
    pack = [compile_rule(text, VOCABULARY) for texts, _ in batch for text in texts]
    rows = [row for _, example_rows in batch for row in example_rows]
    path = write_parquet(rows, tmp_path_factory.mktemp("spark") / "profiles.parquet")
    # Small splits: the row index must hold across tasks reading parts of one file.
    spark.conf.set("spark.sql.files.maxPartitionBytes", "4096")
    spark.conf.set("spark.sql.files.openCostInBytes", "0")
    engine = SparkEngine(path, session=spark)
    try:
        assert_agree(engine, pack, rows)
    finally:
        engine.close()
        spark.conf.unset("spark.sql.files.maxPartitionBytes")
        spark.conf.unset("spark.sql.files.openCostInBytes")


def test_decided_rows_are_the_eligible_and_the_unknown(tmp_path: Path) -> None:
    """`decided_rows` returns exactly the rows a rule does not rule out, true or unknown."""
    rows = [
        {**dict.fromkeys(("j", "n", "m", "t", "s", "b", "c", "d", "e")), "i": value}
        for value in (5, None, 0, 12)
    ]
    rule = compile_rule("i > 3", VOCABULARY)
    with duckdb_over(rows, tmp_path / "profiles.parquet") as engine:
        table = decided_rows(engine, rule, ROW, ["i"]).sort_by(ROW)
    assert table.column_names == [ROW, "i", "eligible"]
    assert table.to_pylist() == [
        {ROW: 0, "i": 5, "eligible": True},
        {ROW: 1, "i": None, "eligible": None},
        {ROW: 3, "i": 12, "eligible": True},
    ]
    decisions = evaluate_rows(rule, Snapshot(arrow_table(rows)))
    assert [row[ROW] for row in table.to_pylist()] == [
        k for k, decision in enumerate(decisions) if decision is not False
    ]
