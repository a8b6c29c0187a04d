"""Bulk writes of the registry for imports: the rules of `services` (facts with history, the
profile from `services.profile_values`), without a query or a model instance per fact."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, NamedTuple, cast

from django.db import connection, models
from django.db.models import ExpressionWrapper, Q
from django.utils.translation import gettext as _

from jinqi.accounts.models import Department
from jinqi.registry.importing.rows import Rejection, ValidRow
from jinqi.registry.models import Enterprise, Fact, ImportBatch, Profile
from jinqi.registry.services import profile_values

if TYPE_CHECKING:
    from collections.abc import Iterable


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
    existing: dict[str, int] = {}
    for part in in_batches([row.uscc for row in rows]):
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
    rows: Sequence[ValidRow], existing: dict[str, int], now: dt.datetime
) -> tuple[dict[str, int], int]:
    """Create the new enterprises and update the registration fields the rows give for the
    others (one statement per set of fields given); returns code → id and how many are new."""
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
            batch_size=max(1, min(500, max_params() // 16)),
            update_conflicts=True,
            unique_fields=["uscc"],
            update_fields=[*fields, "updated_at"],
        )
    ids = dict(existing)
    ids.update(existing_ids([row for row in rows if row.uscc not in existing]))
    return ids, len(ids) - len(existing)


FactRow = tuple[str, int | None, Any]  # key, year, value


@dataclass
class Recorded:
    count: int
    current: dict[int, list[FactRow]]  # enterprise id → the new facts that became current


def facts_bulk_record(
    *,
    facts: Sequence[tuple[int, str, int | None, Any]],
    source: Department,
    as_of: dt.date,
    batch: ImportBatch | None,
    now: dt.datetime,
) -> Recorded:
    """`services.facts_record` for many enterprises at once, by the same rule: the current fact
    of an (enterprise, key, year) becomes history when the new one is as of the same or a later
    date; otherwise the new one is recorded as history. Values must be coerced already, and an
    (enterprise, key, year) given at most once."""
    recorded = Recorded(len(facts), defaultdict(list))
    if not facts:
        return recorded
    # (enterprise, key, year) → (a current fact is as of a later date, the current facts' ids)
    latest: dict[tuple[int, str, int | None], tuple[bool, list[int]]] = {}
    for part in in_batches(sorted({f[0] for f in facts})):
        for fact_id, enterprise_id, key, year, later in _current_facts(part, as_of):
            blocked, ids = latest.setdefault((enterprise_id, key, year), (False, []))
            ids.append(fact_id)
            if later and not blocked:
                latest[(enterprise_id, key, year)] = (True, ids)
    adapt_json = connection.ops.adapt_json_value
    source_id, batch_id = source.pk, (batch.pk if batch is not None else None)
    as_of_db = connection.ops.adapt_datefield_value(as_of)
    now_db = connection.ops.adapt_datetimefield_value(now)
    superseded: list[int] = []
    rows: list[tuple[Any, ...]] = []
    for enterprise_id, key, year, value in facts:
        found = latest.get((enterprise_id, key, year))
        is_newest = found is None or not found[0]
        if is_newest:
            recorded.current[enterprise_id].append((key, year, value))
            if found is not None:
                superseded.extend(found[1])
        rows.append(
            (enterprise_id, key, year, adapt_json(value, None), is_newest, source_id, as_of_db,
             batch_id, now_db)
        )  # fmt: skip
    _mark_history(superseded)
    columns = ("enterprise", "key", "year", "value", "is_current", "source", "as_of", "batch",
               "recorded_at")  # fmt: skip
    insert_rows(Fact, columns, rows)
    return recorded


def _current_facts(enterprise_ids: Sequence[int], as_of: dt.date) -> list[tuple[Any, ...]]:
    """(id, enterprise id, key, year, as of a date after `as_of`) of the current facts; the
    comparison is made by the database, and rows are read without the ORM's conversions."""
    later = ExpressionWrapper(Q(as_of__gt=as_of), output_field=models.BooleanField())
    query = (
        Fact.objects.filter(enterprise_id__in=enterprise_ids, is_current=True)
        .annotate(later=later)
        .order_by()
        .values_list("id", "enterprise_id", "key", "year", "later")
    )
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _mark_history(fact_ids: Sequence[int]) -> None:
    quote = connection.ops.quote_name
    meta = Fact._meta
    update = "UPDATE {} SET {} = %s WHERE {} IN ".format(
        quote(meta.db_table), quote(_column(meta.get_field("is_current"))), quote(_column(meta.pk))
    )
    with connection.cursor() as cursor:
        for part in in_batches(fact_ids):
            cursor.execute(update + "(" + ", ".join(["%s"] * len(part)) + ")", [False, *part])


class _CurrentFact(NamedTuple):
    """What `services.profile_values` reads of a fact, without a model instance per fact."""

    key: str
    year: int | None
    value: Any


def profiles_rebuild(
    enterprise_ids: Sequence[int],
    now: dt.datetime,
    *,
    batch: ImportBatch | None = None,
    recorded: Mapping[int, Sequence[FactRow]] | None = None,
    created: Collection[int] = (),
) -> int:
    """`services.profiles_refresh` for many enterprises at once: each profile row is computed by
    `services.profile_values` from the enterprise's current facts, then rows are replaced.

    `recorded` holds the facts `batch` has just made current, which need not be read back; the
    enterprises `created` in the same transaction have no other facts."""
    recorded = recorded or {}
    created = set(created)
    facts: dict[int, list[_CurrentFact]] = defaultdict(list)
    for enterprise_id, given in recorded.items():
        facts[enterprise_id] = [_CurrentFact(*fact) for fact in given]
    to_read = [pk for pk in enterprise_ids if pk not in created]
    for part in in_batches(to_read):
        current = Fact.objects.filter(enterprise_id__in=part, is_current=True)
        if batch is not None:
            current = current.exclude(batch=batch)  # each enterprise is in one chunk of a batch
        for enterprise_id, key, year, value in current.values_list(
            "enterprise_id", "key", "year", "value"
        ):
            facts[enterprise_id].append(_CurrentFact(key, year, value))
    fields: list[models.Field[Any, Any]] = list(Profile._meta.concrete_fields)
    adapters = [_adapter(f) for f in fields]
    rows: list[tuple[Any, ...]] = []
    for part in in_batches(enterprise_ids):
        for enterprise in Enterprise.objects.filter(pk__in=part).select_related("town"):
            # profile_values reads only key, year and value of each fact.
            values = profile_values(enterprise, cast("Iterable[Fact]", facts[enterprise.pk]))
            values["enterprise_id"], values["refreshed_at"] = enterprise.pk, now
            rows.append(
                tuple(a(values.get(f.attname)) for f, a in zip(fields, adapters, strict=True))
            )
    for part in in_batches(enterprise_ids):
        Profile.objects.filter(enterprise_id__in=part).delete()
    insert_rows(Profile, [f.name for f in fields], rows)
    return len(rows)


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
