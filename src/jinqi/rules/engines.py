"""The SQL engines: a rule pack over a Parquet file on DuckDB or on Apache Spark.

The vectorised executor (`vector.py`) holds a whole snapshot in one process's memory; these
engines scan the file, so a pack runs over more rows than one machine holds (DuckDB spills to
disk, Spark spreads the scan over a cluster). Each rule is the SQL `sql.py` compiles for the
engine's dialect, so counts and pairs are those of the vectorised executor (the agreement
tests prove it); rules go to the engine in chunks, one scan per chunk, so that no query grows
past what an engine's code generator takes (docs/scale.md says when to use which).
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
from sqlglot import exp

from jinqi.rules.parse import Rule
from jinqi.rules.sql import to_sql
from jinqi.rules.vector import PackCounts

ENGINES = ("vector", "duckdb", "spark")
SQL_ENGINES = ("duckdb", "spark")
TABLE = "profiles"
ROW = "jinqi_row"  # the 0-based row index in the data file, added by the engine's scan
CHUNK = 25  # rules per query: one scan each, and a query Spark's code generator compiles

PairsSink = Callable[[np.ndarray, np.ndarray], None]


class SqlEngine(ABC):
    """A connection to one engine with the data file registered as the view `profiles`."""

    dialect: str

    @abstractmethod
    def table(self, sql: str) -> pa.Table:
        """The query's whole result as Arrow."""

    @abstractmethod
    def close(self) -> None: ...

    def rows(self) -> int:
        """The number of rows in the data file."""
        return int(self.table(f"SELECT COUNT(*) FROM {TABLE}").column(0)[0].as_py())

    def quote(self, name: str) -> str:
        return exp.column(name).sql(dialect=self.dialect, identify=True)

    def rule(self, rule: Rule) -> str:
        return f"({to_sql(rule, self.dialect)})"

    @abstractmethod
    def eligible_positions(self, cases: str) -> str:
        """The SQL expression listing the non-NULL values of the array literal items `cases`
        (one per row and eligible rule) as rows of a column `rule`."""


class DuckDBEngine(SqlEngine):
    dialect = "duckdb"

    def __init__(self, data: Path) -> None:
        import duckdb  # an optional engine: only its users install it

        self.connection = duckdb.connect()
        source = "'" + str(data).replace("'", "''") + "'"
        self.connection.execute(
            f"CREATE VIEW {TABLE} AS SELECT * EXCLUDE (file_row_number), "
            f"CAST(file_row_number AS INTEGER) AS {ROW} "
            f"FROM read_parquet({source}, file_row_number = true)"
        )

    def table(self, sql: str) -> pa.Table:
        return self.connection.sql(sql).to_arrow_table()

    def eligible_positions(self, cases: str) -> str:
        return f"UNNEST(list_filter([{cases}], lambda x: x IS NOT NULL))"

    def close(self) -> None:
        self.connection.close()


class SparkEngine(SqlEngine):
    dialect = "spark"

    def __init__(self, data: Path, session: Any = None) -> None:
        from pyspark.sql import SparkSession  # an optional engine: uv sync --group spark

        # Stopped on close only if this engine started it (not a caller's, not a test run's).
        self.owned = session is None and SparkSession.getActiveSession() is None
        self.session = session or spark_session()
        frame = self.session.read.parquet(str(data))
        frame.selectExpr("*", f"CAST(_metadata.row_index AS INT) AS {ROW}").createOrReplaceTempView(
            TABLE
        )

    def table(self, sql: str) -> pa.Table:
        return self.session.sql(sql).toArrow()

    def eligible_positions(self, cases: str) -> str:
        return f"explode(filter(array({cases}), x -> x IS NOT NULL))"

    def close(self) -> None:
        self.session.catalog.dropTempView(TABLE)
        if self.owned:
            self.session.stop()


def spark_session(master: str | None = None) -> Any:
    """A Spark session: under spark-submit the cluster's (its master and resources come from
    the submit); otherwise on `master`, else JINQI_SPARK_MASTER (a cluster's, the caller the
    driver), else locally on every core; local sessions bind to loopback and have no UI."""
    from pyspark.sql import SparkSession  # an optional engine: uv sync --group spark

    builder = (
        SparkSession.builder.appName("jinqi-rules")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.showConsoleProgress", "false")
    )
    # spark-submit starts the JVM and hands its gateway to Python through this variable.
    if "PYSPARK_GATEWAY_PORT" not in os.environ:
        master = master or os.environ.get("JINQI_SPARK_MASTER") or "local[*]"
        builder = builder.master(master)
        if master.startswith("local"):
            builder = (
                builder.config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
            )
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


@contextmanager
def sql_engine(name: str, data: Path) -> Iterator[SqlEngine]:
    """The engine `name` (duckdb or spark) with `data` registered; closed on exit."""
    if name not in SQL_ENGINES:
        raise ValueError(f"unknown SQL engine {name!r}; choose one of {SQL_ENGINES}")
    engine: SqlEngine = DuckDBEngine(data) if name == "duckdb" else SparkEngine(data)
    try:
        yield engine
    finally:
        engine.close()


def evaluate_pack_sql(
    engine: SqlEngine, rules: Sequence[Rule], on_pairs: PairsSink | None = None
) -> PackCounts:
    """Each rule's eligible and unknown row counts; with `on_pairs`, also every eligible pair
    (pack positions, row indexes), rule by rule in pack order and rows ascending."""
    eligible: list[int] = []
    unknown: list[int] = []
    for start in range(0, len(rules), CHUNK):
        chunk = [engine.rule(rule) for rule in rules[start : start + CHUNK]]
        columns = ", ".join(
            f"count_if({r}) AS e{k}, count_if({r} IS NULL) AS u{k}" for k, r in enumerate(chunk)
        )
        result = engine.table(f"SELECT {columns} FROM {TABLE}")
        values = [int(column[0].as_py() or 0) for column in result.columns]
        eligible += values[0::2]
        unknown += values[1::2]
        if on_pairs is not None:
            _pairs(engine, chunk, start, on_pairs)
    return PackCounts(eligible, unknown)


def _pairs(engine: SqlEngine, chunk: list[str], start: int, on_pairs: PairsSink) -> None:
    cases = ", ".join(f"CASE WHEN {r} THEN {start + k} END" for k, r in enumerate(chunk))
    positions = engine.eligible_positions(cases)
    result = engine.table(
        f"SELECT CAST(rule AS INT) AS rule, {ROW} FROM (SELECT {positions} AS rule, {ROW} "
        f"FROM {TABLE}) ORDER BY rule, {ROW}"
    )
    for batch in result.to_batches():
        on_pairs(
            batch.column(0).to_numpy(zero_copy_only=False),
            batch.column(1).to_numpy(zero_copy_only=False),
        )


def decided_rows(engine: SqlEngine, rule: Rule, key: str, columns: Sequence[str]) -> pa.Table:
    """The rows the rule does not rule out: `key`, `eligible` (true, or NULL where the data
    cannot tell) and `columns`, in no particular order."""
    condition = engine.rule(rule)
    selected = ", ".join([engine.quote(key), *(engine.quote(c) for c in columns)])
    return engine.table(
        f"SELECT {selected}, {condition} AS eligible FROM {TABLE} WHERE COALESCE({condition}, TRUE)"
    )
