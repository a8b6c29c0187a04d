"""The bulk tables' secondary indexes, built once after a load into an empty registry instead of
grown row by row (docs/PERFORMANCE.md, docs/adr/0005-registry-deliveries.md).

An index built by sorting the whole table costs a fraction of one kept up by millions of
inserts. Only the indexes no import needs are set aside: the primary keys and the code's
unique constraint stay, so every chunk's look-ups and the code's uniqueness work as always.
What is set aside is exactly what the models declare (`_model_indexes_sql`), so a run that
never got to build them again (a crash, kill -9) is repaired by the next import, which builds
whatever is missing before it starts."""

from __future__ import annotations

from django.db import connection, models, transaction

from jinqi.registry.models import Delivery, Enterprise

# Enterprise: name (the list's order), town, industry and its LIKE twin; Delivery: enterprise.
DEFERRED: tuple[type[models.Model], ...] = (Enterprise, Delivery)


def declared(model: type[models.Model]) -> dict[str, str]:
    """Index name → its CREATE INDEX statement, as the migrations create them."""
    # Not entered as a context: only the statements' text is needed, no transaction (SQLite's
    # editor refuses to open inside one).
    editor = connection.schema_editor(collect_sql=True, atomic=False)
    statements = editor._model_indexes_sql(model)  # type: ignore[attr-defined]
    return {str(s.parts["name"]).strip('"'): str(s) for s in statements}


def present(model: type[models.Model]) -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.get_constraints(cursor, model._meta.db_table))


def indexes_missing() -> list[str]:
    missing = []
    for model in DEFERRED:
        there = present(model)
        missing += [name for name in declared(model) if name not in there]
    return missing


def indexes_restore() -> list[str]:
    """Build the declared indexes that are missing; returns their names."""
    built = []
    for model in DEFERRED:
        there = present(model)
        for name, statement in declared(model).items():
            if name not in there:
                # IF NOT EXISTS: two imports starting together may both find it missing.
                statement = statement.replace("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1)
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute(statement)
                built.append(name)
    return built


def indexes_defer() -> bool:
    """Drop the secondary indexes if the registry is empty (nothing to look up, nothing for a
    page to list); returns whether it did. `indexes_restore` builds them again."""
    with transaction.atomic():
        if any(model._default_manager.exists() for model in DEFERRED):
            return False
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            for model in DEFERRED:
                for name in declared(model):
                    cursor.execute(f"DROP INDEX IF EXISTS {quote(name)}")
    return True
