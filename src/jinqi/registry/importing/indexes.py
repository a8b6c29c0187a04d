"""The bulk tables' secondary indexes, built once after a load into an empty registry instead of
grown row by row (docs/PERFORMANCE.md, docs/adr/0005-registry-deliveries.md).

An index built by sorting the whole table costs a fraction of one kept up by millions of
inserts. The primary keys stay. On PostgreSQL the code's unique constraint is set aside too:
during such a load no chunk looks a code up, the file's check refuses a code seen twice in it,
and the import holds `loading.ImportLock` exclusively, which keeps every other writer of
enterprises out; building the constraint at the end checks the uniqueness once more. (SQLite
keeps a unique constraint inside the table's definition, where it cannot be dropped.)
What is set aside is exactly what the models declare, so a run that never got to build it again
(a crash, kill -9) is repaired by the next import, which builds whatever is missing before it
starts."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, connection, models, transaction
from django.utils.translation import gettext as _

from jinqi.core.errors import DomainError
from jinqi.registry.loading import ImportLock
from jinqi.registry.models import Delivery, Enterprise, Profile

# Enterprise: name (the list's order), town, industry (LIKE and equality); Delivery: enterprise.
DEFERRED: tuple[type[models.Model], ...] = (Enterprise, Delivery)


# Indexes the migrations create on PostgreSQL only (no model can declare them for one database):
# the registry list's name search, a trigram index on what `icontains` compares (migration 0012).
POSTGRES_ONLY: dict[type[models.Model], dict[str, str]] = {
    Enterprise: {
        "registry_enterprise_name_trgm": "CREATE INDEX registry_enterprise_name_trgm ON "
        "registry_enterprise USING gin ((UPPER(name::text)) gin_trgm_ops)"
    }
}


def declared(model: type[models.Model]) -> dict[str, str]:
    """Index name → its CREATE INDEX statement, as the migrations create them."""
    # Not entered as a context: only the statements' text is needed, no transaction (SQLite's
    # editor refuses to open inside one).
    editor = connection.schema_editor(collect_sql=True, atomic=False)
    statements = editor._model_indexes_sql(model)  # type: ignore[attr-defined]
    found = {str(s.parts["name"]).strip('"'): str(s) for s in statements}
    if connection.vendor == "postgresql":
        found.update(POSTGRES_ONLY.get(model, {}))
    return found


def declared_constraints(model: type[models.Model]) -> dict[str, str]:
    """Unique constraint name → its ADD CONSTRAINT statement (PostgreSQL only)."""
    if connection.vendor != "postgresql":
        return {}
    editor = connection.schema_editor(collect_sql=True, atomic=False)
    return {
        constraint.name: str(constraint.create_sql(model, editor))
        for constraint in model._meta.constraints
        if isinstance(constraint, models.UniqueConstraint)
    }


def present(model: type[models.Model]) -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.get_constraints(cursor, model._meta.db_table))


def indexes_missing() -> list[str]:
    missing = []
    for model in DEFERRED:
        there = present(model)
        names = [*declared_constraints(model), *declared(model)]
        missing += [name for name in names if name not in there]
    return missing


# Tables whose autovacuum waits during a first load on PostgreSQL: committed chunk by chunk,
# a growing table is vacuumed and analysed again and again while it loads (from its first
# thousand rows on); after the load autovacuum goes over each once, as after one COPY.
QUIET: tuple[type[models.Model], ...] = (Enterprise, Delivery, Profile)


def _autovacuum(enabled: bool) -> None:
    if connection.vendor != "postgresql":
        return
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        for model in QUIET:
            table = quote(model._meta.db_table)
            if enabled:
                cursor.execute(f"ALTER TABLE {table} RESET (autovacuum_enabled)")
            else:
                cursor.execute(f"ALTER TABLE {table} SET (autovacuum_enabled = off)")


def autovacuum_stopped() -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_class WHERE relname = ANY(%s) "
            "AND 'autovacuum_enabled=off' = ANY(reloptions)",
            [[model._meta.db_table for model in QUIET]],
        )
        row = cursor.fetchone()
    return bool(row and row[0])


def indexes_restore() -> list[str]:
    """Build the declared indexes that are missing, and let autovacuum at the tables again if
    a first load had stopped it; returns the indexes' names."""
    if autovacuum_stopped():
        _autovacuum(enabled=True)
    built = []
    for model in DEFERRED:
        for name, statement in declared_constraints(model).items():
            if _constraint_add(model, name, statement):
                built.append(name)
        there = present(model)
        for name, statement in declared(model).items():
            if name not in there:
                # IF NOT EXISTS: two imports starting together may both find it missing.
                statement = statement.replace("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1)
                with transaction.atomic(), connection.cursor() as cursor:
                    _sort_memory(cursor)
                    cursor.execute(statement)
                built.append(name)
    return built


# Memory to sort in when an index is built (for this transaction only): PostgreSQL's default
# (64 MB) makes the sort of millions of codes or names spill to disk in runs.
SORT_MEMORY = "256MB"


def _sort_memory(cursor: Any) -> None:
    if connection.vendor == "postgresql":
        cursor.execute("SELECT set_config('maintenance_work_mem', %s, true)", [SORT_MEMORY])


def _constraint_add(model: type[models.Model], name: str, statement: str) -> bool:
    """Add a missing unique constraint (built by sorting); returns whether it was missing.
    DomainError, naming codes, if the table holds duplicates."""
    table = connection.ops.quote_name(model._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        # Self-conflicting: two imports repairing at once take turns, the second finds it.
        cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
        if name in present(model):
            return False
        _sort_memory(cursor)
        try:
            with transaction.atomic():
                cursor.execute(statement)
        except IntegrityError as error:
            raise _duplicates_error(model, name) from error
    return True


def _duplicates_error(model: type[models.Model], name: str) -> DomainError:
    constraint = next(c for c in model._meta.constraints if c.name == name)
    assert isinstance(constraint, models.UniqueConstraint)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(_column(model, name)) for name in constraint.fields)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {columns} FROM {quote(model._meta.db_table)} GROUP BY {columns} "
            "HAVING count(*) > 1 ORDER BY 1 LIMIT 10"
        )
        examples = ", ".join(" ".join(map(str, row)) for row in cursor.fetchall())
    return DomainError(
        _(
            "The unique constraint %(name)s cannot be built again: the table holds the same "
            "value more than once (%(examples)s). An import into the empty registry set it "
            "aside and was stopped before it could build it; something wrote these rows in "
            "between. Remove the duplicates, then run the import again."
        )
        % {"name": name, "examples": examples}
    )


def _column(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    return str(field.column)


def indexes_defer(lock: ImportLock) -> bool:
    """Drop the secondary indexes, and on PostgreSQL the unique constraints, and stop
    autovacuum on the tables, if the registry is empty (nothing to look up, nothing for a page
    to list) and the import holds the lock exclusively; returns whether it did.
    `indexes_restore` builds them again and lets autovacuum back."""
    if not lock.exclusive:
        return False
    with transaction.atomic():
        if any(model._default_manager.exists() for model in DEFERRED):
            return False
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            for model in DEFERRED:
                table = quote(model._meta.db_table)
                for name in declared_constraints(model):
                    cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {quote(name)}")
                for name in declared(model):
                    cursor.execute(f"DROP INDEX IF EXISTS {quote(name)}")
    _autovacuum(enabled=False)
    return True
