"""Bulk writes of the registry for imports: the rules of `services` (a delivery per enterprise,
the profile from `profile.profile_rows`), without a query or a model instance per row."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
from django.db import connection, models
from django.utils.translation import gettext as _

from jinqi.accounts.models import Department
from jinqi.registry.enums import RegistrationStatus
from jinqi.registry.importing import pgbinary
from jinqi.registry.importing.rows import Rejection, ValidRow
from jinqi.registry.models import Delivery, Enterprise, ImportBatch, Profile
from jinqi.registry.profile import (
    DELIVERY_ROW,
    current_values,
    delivery_rows,
    enterprise_registration_values,
    profile_rows,
)
from jinqi.registry.services import layouts_get_or_create


@cache
def max_params() -> int:
    """Bound variables allowed in one statement (SQLite's build limit; PostgreSQL's 65,535)."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        raw = connection.connection
        return int(raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)) if raw else 999
    return int(connection.features.max_query_params or 65_535)


def in_batches(values: Sequence[Any], size: int | None = None) -> Iterator[Sequence[Any]]:
    """Slices small enough for one IN (…) list or one multi-row INSERT."""
    size = size or min(5_000, max_params() - 10)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def existing_ids(rows: Sequence[ValidRow]) -> dict[str, int]:
    """Code → id of the rows' enterprises already in the registry."""
    return ids_of([row.uscc for row in rows])


def ids_of(codes: Sequence[str]) -> dict[str, int]:
    """Code → id of these enterprises, for those in the registry."""
    existing: dict[str, int] = {}
    if not codes:
        return existing
    if connection.vendor == "postgresql":
        # One array parameter: psycopg parses and quotes a 5,000-item IN list in Python.
        table = connection.ops.quote_name(Enterprise._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT uscc, id FROM {table} WHERE uscc = ANY(%s)", [list(codes)])
            existing.update(cursor.fetchall())
        return existing
    for part in in_batches(codes):
        existing.update(Enterprise.objects.filter(uscc__in=part).values_list("uscc", "id"))
    return existing


def new_without_name(rows: Sequence[ValidRow], existing: dict[str, int]) -> list[Rejection]:
    message = _("the enterprise is not in the registry yet and the row gives no name")
    return [
        Rejection(row.number, row.uscc, message)
        for row in rows
        if row.uscc not in existing and not row.registration.get("name")
    ]


def enterprises_upsert(
    rows: Sequence[ValidRow], existing: dict[str, int], now: dt.datetime, *, all_new: bool = False
) -> tuple[dict[str, int], int]:
    """Create the new enterprises and update the registration fields the rows give for the
    others (one statement per set of fields given); returns code → id and how many are new.
    `all_new`: none of the codes is in the registry (a load into an empty one), which may then
    have no unique constraint on the code to resolve a conflict on: plain inserts."""
    batch_size = max(1, min(500, max_params() // 16))
    if all_new:
        created = Enterprise.objects.bulk_create(
            [
                Enterprise(uscc=row.uscc, created_at=now, updated_at=now, **row.registration)
                for row in rows
            ],
            batch_size=batch_size,
        )
        return {enterprise.uscc: enterprise.pk for enterprise in created}, len(created)
    groups: dict[tuple[str, ...], list[Enterprise]] = defaultdict(list)
    for row in rows:
        if row.uscc in existing and not row.registration:
            continue
        fields = tuple(sorted(row.registration))
        enterprise = Enterprise(uscc=row.uscc, created_at=now, updated_at=now, **row.registration)
        groups[fields].append(enterprise)
    for fields, enterprises in groups.items():
        Enterprise.objects.bulk_create(
            enterprises,
            batch_size=batch_size,
            update_conflicts=True,
            unique_fields=["uscc"],
            update_fields=[*fields, "updated_at"],
        )
    ids = dict(existing)
    ids.update(existing_ids([row for row in rows if row.uscc not in existing]))
    return ids, len(ids) - len(existing)


def deliveries_write(
    *,
    deliveries: Sequence[tuple[int, dict[str, Any]]],
    source: Department,
    as_of: dt.date,
    batch: ImportBatch | None,
    now: dt.datetime,
) -> int:
    """One delivery row per (enterprise id, fact reference → coerced value); returns the number
    of facts. Which value is current is worked out when read, so nothing older is touched."""
    source_id, batch_id = source.pk, (batch.pk if batch is not None else None)
    as_of_db = connection.ops.adapt_datefield_value(as_of)
    now_db = connection.ops.adapt_datetimefield_value(now)
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    layouts = layouts_get_or_create({tuple(values) for _id, values in deliveries if values})
    rows = [
        (enterprise_id, source_id, as_of_db, batch_id, now_db, layouts[tuple(values)],
         dumps(list(values.values())))
        for enterprise_id, values in deliveries
        if values
    ]  # fmt: skip
    columns = ("enterprise", "source", "as_of", "batch", "recorded_at", "layout", "values")
    insert_rows(Delivery, columns, rows)
    return sum(len(values) for _id, values in deliveries)


Known = Mapping[int, tuple[dict[str, Any], dict[str, Any]]]


def profiles_rebuild(enterprise_ids: Sequence[int], now: dt.datetime, *, known: Known) -> int:
    """`services.profiles_refresh` for many enterprises at once, by `profile.profile_rows`.

    `known` holds, for the enterprises created in this transaction, their registration values
    (`profile.registration_values`) and current facts: their profiles are built from memory.
    The others' registration records and deliveries are read, and their profiles replaced."""
    fields: list[models.Field[Any, Any]] = list(Profile._meta.concrete_fields)
    adapters = [_adapter(f) for f in fields]
    rows: list[tuple[Any, ...]] = []

    def add(
        enterprise_ids: Sequence[int], records: Sequence[tuple[dict[str, Any], dict[str, Any]]]
    ) -> None:
        for enterprise_id, values in zip(enterprise_ids, profile_rows(records), strict=True):
            values["enterprise_id"], values["refreshed_at"] = enterprise_id, now
            rows.append(
                tuple(a(values.get(f.attname)) for f, a in zip(fields, adapters, strict=True))
            )

    add(list(known), list(known.values()))
    to_read = [pk for pk in enterprise_ids if pk not in known]
    for part in in_batches(to_read):
        deliveries = delivery_rows(
            Delivery.objects.filter(enterprise_id__in=part).values_list(*DELIVERY_ROW)
        )
        enterprises = list(Enterprise.objects.filter(pk__in=part).select_related("town"))
        add(
            [enterprise.pk for enterprise in enterprises],
            [
                (enterprise_registration_values(e), current_values(deliveries[e.pk]))
                for e in enterprises
            ],
        )
        Profile.objects.filter(enterprise_id__in=part).delete()
    insert_rows(Profile, [f.name for f in fields], rows)
    return len(rows)


# Enterprise's text fields are NOT NULL: a column the file lacks is stored as "" (the default).
_TEXT_DEFAULTS = ("name", "enterprise_type", "registered_address", "legal_representative",
                  "legal_representative_id_number", "legal_representative_phone",
                  "contact_person", "contact_phone")  # fmt: skip


def enterprise_columns(
    columns: Mapping[str, pa.Array], capital: Sequence[str | None], now: dt.datetime
) -> dict[str, pa.Array]:
    """Enterprise's columns for new enterprises from clean columns (Enterprise attribute →
    values, "uscc" included), as the database takes them, without ids."""
    count = len(columns["uscc"])
    values: dict[str, pa.Array] = {
        name: array for name, array in columns.items() if name != "registered_capital"
    }
    for name in _TEXT_DEFAULTS:
        values[name] = (
            pc.fill_null(values[name], "") if name in values else pa.repeat(pa.scalar(""), count)
        )
    status = values.get("status")
    values["status"] = (
        pc.fill_null(status, RegistrationStatus.ACTIVE.value)
        if status is not None
        else pa.repeat(pa.scalar(RegistrationStatus.ACTIVE.value), count)
    )
    if any(v is not None for v in capital):
        values["registered_capital"] = pa.array(capital, pa.string())
    if (stamp := stamps(now, count)) is not None:
        values["created_at"] = values["updated_at"] = stamp
    return values


def enterprises_insert(
    columns: Mapping[str, pa.Array],
    capital: Sequence[str | None],
    now: dt.datetime,
    *,
    reserve: bool = False,
) -> pa.Array:
    """Create enterprises from clean columns (`enterprise_columns`) that are not in the
    registry yet; returns their ids in the same order. `reserve`: no one else takes ids
    meanwhile (the import holds `loading.ImportLock` exclusively), so the ids are taken from
    the sequence as one range."""
    values = enterprise_columns(columns, capital, now)
    count = len(columns["uscc"])
    if connection.vendor == "postgresql":
        # Ids taken from the sequence up front, so no read-back is needed.
        if reserve:
            first = ids_reserve(count)
            ids = pa.array(np.arange(first, first + count, dtype=np.int64))
        else:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT nextval({_SEQUENCE}) FROM generate_series(1, %s)", [count])
                ids = pa.array([row[0] for row in cursor.fetchall()], pa.int64())
        insert_table(Enterprise, {"id": ids, **values})
        return ids
    insert_table(Enterprise, values)
    found = ids_of(values["uscc"].to_pylist())
    return pa.array([found[code] for code in values["uscc"].to_pylist()], pa.int64())


_SEQUENCE = f"pg_get_serial_sequence('{Enterprise._meta.db_table}', 'id')"


def ids_reserve(count: int) -> int:
    """Take `count` consecutive enterprise ids from the sequence (PostgreSQL); returns the first.
    Only while the import holds `loading.ImportLock` exclusively: not atomic against another
    session's nextval, which the lock keeps out; the primary key would refuse the rows if
    anything slipped through."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT setval({_SEQUENCE}, nextval({_SEQUENCE}) + %s - 1)", [count])
        row = cursor.fetchone()
    assert row is not None
    return int(row[0]) - count + 1


def stamps(now: dt.datetime, count: int) -> pa.Array | None:
    """A timestamp column as the database takes it in text (one value, repeated), or None on
    PostgreSQL: there the column is left out of COPY and the database's default stamps the
    rows with the transaction's start, which saves parsing four timestamps a row, a fifth of
    the server's work in a first load (docs/PERFORMANCE.md)."""
    if connection.vendor == "postgresql":
        return None
    text = str(connection.ops.adapt_datetimefield_value(now))
    return pa.repeat(pa.scalar(text, pa.string()), count)


def insert_table(model: type[models.Model], columns: Mapping[str, pa.Array]) -> None:
    """Rows given column by column (field name → values as the database takes them): COPY of
    CSV text that pyarrow writes on PostgreSQL, one executemany on SQLite."""
    if not columns or not len(next(iter(columns.values()))):
        return
    if connection.vendor == "postgresql":
        copy = copy_of(model, columns)
        if copy is not None:
            copy_send(copy)
        return
    quote = connection.ops.quote_name
    meta = model._meta
    names = ", ".join(quote(_column(meta.get_field(f))) for f in columns)
    table = pa.table(dict(columns))
    for index, column in enumerate(table.columns):
        if pa.types.is_date(column.type) or pa.types.is_timestamp(column.type):
            table = table.set_column(index, table.field(index).name, pc.cast(column, pa.string()))
    placeholders = ", ".join(["%s"] * len(columns))
    rows = list(zip(*(column.to_pylist() for column in table.columns), strict=True))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {quote(meta.db_table)} ({names}) VALUES ({placeholders})", rows
        )


@dataclass(frozen=True)
class Copy:
    """A PostgreSQL COPY of CSV rows: the statement and the data. Made without a database
    (`copy_of`), so a child process can make it (`firstload`) and the importer send it."""

    statement: str
    data: Any  # bytes-like: bytes, or a pyarrow Buffer


def copy_of(model: type[models.Model], columns: Mapping[str, pa.Array]) -> Copy | None:
    """COPY of these columns (field name → values as PostgreSQL takes them); None for no rows.
    In PostgreSQL's binary format when every column's type has one here (`pgbinary`), else as
    CSV text that pyarrow writes."""
    if not columns or not len(next(iter(columns.values()))):
        return None
    meta = model._meta
    fields = [meta.get_field(name) for name in columns]
    names = ", ".join(_quote(_column(field)) for field in fields)
    statement = f"COPY {_quote(meta.db_table)} ({names}) FROM STDIN WITH (FORMAT"
    db_types = [str(field.db_type(connection)) for field in fields]
    if all(pgbinary.supports(db_type) for db_type in db_types):
        data = pgbinary.copy_data(list(zip(db_types, columns.values(), strict=True)))
        return Copy(f"{statement} binary)", data)
    buffer = pa.BufferOutputStream()
    pa_csv.write_csv(pa.table(dict(columns)), buffer, pa_csv.WriteOptions(include_header=False))
    return Copy(f"{statement} csv)", buffer.getvalue())


def _quote(name: str) -> str:
    """PostgreSQL's quoting of a name, as its backend's quote_name does."""
    return '"' + name.replace('"', '""') + '"'


def copy_send(copy: Copy) -> None:
    with connection.cursor() as cursor, cursor.cursor.copy(copy.statement) as stream:
        stream.write(memoryview(copy.data))


def _adapter(field: models.Field[Any, Any]) -> Callable[[Any], Any]:
    """How a Python value of the field is handed to the database (as Django's save would)."""
    ops = connection.ops
    kind = field.get_internal_type()
    if kind == "DateField":
        return lambda v: None if v is None else ops.adapt_datefield_value(_date(v))
    if kind == "DateTimeField":
        return lambda v: None if v is None else ops.adapt_datetimefield_value(v)
    if kind == "DecimalField":
        return lambda v: field.get_db_prep_save(v, connection)
    return lambda v: v


def _date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _column(field: Any) -> str:
    column: str = field.column
    return column


def insert_rows(
    model: type[models.Model], fields: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    """Multi-row INSERTs of adapted values: the ORM's bulk_create prepares every value of every
    instance, which costs more than the database's own work at millions of rows."""
    if not rows:
        return
    quote = connection.ops.quote_name
    meta = model._meta
    columns = ", ".join(quote(_column(meta.get_field(f))) for f in fields)
    if connection.vendor == "postgresql":
        # COPY streams rows in the binary-free text protocol: no SQL text to build per row, which
        # is where multi-row INSERTs spend most of their time (docs/PERFORMANCE.md).
        with connection.cursor() as cursor:
            statement = f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN"
            with cursor.cursor.copy(statement) as copy:
                for row in rows:
                    copy.write_row(row)
        return
    placeholder = "(" + ", ".join(["%s"] * len(fields)) + ")"
    per_statement = max(1, min(500, (max_params() - 1) // len(fields)))
    with connection.cursor() as cursor:
        for part in in_batches(rows, per_statement):
            sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES " + ", ".join(
                [placeholder] * len(part)
            )
            cursor.execute(sql, [value for row in part for value in row])
