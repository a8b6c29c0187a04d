"""Engines for the rules tests: DuckDB always, PostgreSQL (through DATABASE_URL) when present
(Spark's session is the root conftest's, shared with the matching tests); none needs Django."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest


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
