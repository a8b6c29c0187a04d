"""`importing.pgbinary` writes what PostgreSQL's binary COPY reads back as the same values, for
every type it claims, NULLs and edge values included."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pyarrow as pa
import pytest
from django.db import connection

from jinqi.registry.importing import pgbinary

COLUMNS: list[tuple[str, str, pa.Array]] = [
    ("a_bigint", "bigint", pa.array([1, None, -(2**63), 2**63 - 1], pa.int64())),
    ("a_integer", "integer", pa.array([None, 0, -(2**31), 2**31 - 1], pa.int64())),
    ("a_smallint", "smallint", pa.array([7, -7, None, 32767], pa.int64())),
    (
        "a_double",
        "double precision",
        pa.array([2500.0, None, -0.0, 1.7976931348623157e308], pa.float64()),
    ),
    ("a_boolean", "boolean", pa.array([True, False, None, True])),
    (
        "a_date",
        "date",
        pa.array([dt.date(2000, 1, 1), dt.date(1969, 12, 31), None, dt.date(2027, 12, 24)]),
    ),
    ("a_date_text", "date", pa.array(["2026-06-30", None, "1999-12-31", "2000-01-02"])),
    ("a_varchar", "varchar(60)", pa.array(["上海金山", "", None, 'quote " and \\ and ,'])),
    ("a_text", "text", pa.array([None, "x" * 5000, "tab\there", "line\nbreak"])),
    ("a_json", "json", pa.array(['[2500.0,true,"A"]', "[]", '["引号\\""]', "[null]"])),
    ("a_nothing", "bigint", pa.nulls(4)),
    ("a_money", "numeric(14, 2)", pa.array(["2500.00", None, "0.05", "999999999999.99"])),
    ("a_money_0", "numeric(14, 2)", pa.array(["0.00", "-0.00", "100000000.10", "1.00"])),
]


def test_only_types_with_a_binary_form_here_are_claimed() -> None:
    assert all(pgbinary.supports(db_type) for _name, db_type, _values in COLUMNS)
    assert not pgbinary.supports("numeric(10, 4)")
    assert not pgbinary.supports("timestamp with time zone")
    assert not pgbinary.supports("jsonb")


@pytest.mark.postgres
@pytest.mark.django_db
def test_binary_copy_reads_back_the_same_values() -> None:
    data = pgbinary.copy_data([(db_type, values) for _name, db_type, values in COLUMNS])
    assert data.startswith(pgbinary.SIGNATURE) and data.endswith(pgbinary.TRAILER)
    with connection.cursor() as cursor:
        definition = ", ".join(f"{name} {db_type}" for name, db_type, _values in COLUMNS)
        cursor.execute(f"CREATE TEMPORARY TABLE binary_copy (position serial, {definition})")
        names = ", ".join(name for name, _db_type, _values in COLUMNS)
        with cursor.cursor.copy(f"COPY binary_copy ({names}) FROM STDIN (FORMAT binary)") as copy:
            copy.write(data)
        cursor.execute(f"SELECT {names} FROM binary_copy ORDER BY position")
        rows = cursor.fetchall()
    expected = []
    for index in range(4):
        row = []
        for _name, db_type, values in COLUMNS:
            value = values[index].as_py()
            if db_type == "date" and isinstance(value, str):
                value = dt.date.fromisoformat(value)
            if db_type.startswith("numeric") and value is not None:
                value = Decimal(value.lstrip("-"))
            if db_type == "json" and value is not None:
                value = json.loads(value)
            row.append(value)
        expected.append(tuple(row))
    assert rows == expected
