"""Engines for the rules tests: DuckDB always, PostgreSQL (through DATABASE_URL) and Spark
(local, through Java) when present; none of them needs Django."""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from jinqi.rules.engines import spark_session


@pytest.fixture(scope="module")
def duck() -> Iterator[Any]:
    """An in-memory DuckDB connection, one thread so that rows keep their order."""
    import duckdb

    connection = duckdb.connect(config={"threads": 1})
    yield connection
    connection.close()


@pytest.fixture(scope="session")
def postgres() -> Iterator[Any]:
    """A psycopg 3 connection (autocommit) to DATABASE_URL; tests create temporary tables."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://…")
    import psycopg

    connection = psycopg.connect(url, autocommit=True)
    yield connection
    connection.close()


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    """One local Spark session for the whole run (the engine's own): one core, no UI, one
    shuffle partition."""
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.skip("needs Java 17 for Spark (not found on PATH or in JAVA_HOME)")
    try:
        import pyspark  # noqa: F401  # the optional engine, installed or not
    except ImportError:
        pytest.skip("needs PySpark: uv sync --group spark")
    session = spark_session("local[1]")
    session.conf.set("spark.sql.shuffle.partitions", "1")
    # py4j logs "Closing down clientserver connection" from a finaliser at exit, after pytest
    # has closed the stream its handler writes to.
    logging.getLogger("py4j").setLevel(logging.ERROR)
    yield session
    session.stop()
