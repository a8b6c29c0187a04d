"""The registry list's name search on PostgreSQL: a trigram index (pg_trgm, a trusted extension
the database owner may create) on UPPER(name), what Django's `icontains` compares, so a search
among millions of enterprises reads the index instead of every name. SQLite has no such index;
its registries are small. The bulk import sets it aside and builds it again like the model's
own indexes (registry/importing/indexes.py, POSTGRES_ONLY)."""

from typing import Any

from django.db import migrations

CREATE = (
    "CREATE INDEX IF NOT EXISTS registry_enterprise_name_trgm ON registry_enterprise "
    "USING gin ((UPPER(name::text)) gin_trgm_ops)"
)
DROP = "DROP INDEX IF EXISTS registry_enterprise_name_trgm"


def forward(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(CREATE)


def backward(apps: Any, schema_editor: Any) -> None:
    # The extension stays: other databases' objects may use it, and it costs nothing.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("registry", "0013_market_risk_class")]

    operations = [migrations.RunPython(forward, backward)]
