"""The audit trail is written once and changed by nobody: the database refuses UPDATE and DELETE
on it, whoever asks (the ORM, the admin, a raw SQL session). TRUNCATE (test teardown) is not a
row change and is not refused."""

from django.db import migrations

TABLE = "audit_auditevent"
MESSAGE = "the audit trail cannot be changed"

POSTGRES_FORWARD = f"""
CREATE FUNCTION audit_trail_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_trail_append_only BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION audit_trail_refuse_change();
"""
POSTGRES_REVERSE = f"""
DROP TRIGGER IF EXISTS audit_trail_append_only ON {TABLE};
DROP FUNCTION IF EXISTS audit_trail_refuse_change();
"""

SQLITE_FORWARD = [
    f"""CREATE TRIGGER audit_trail_no_{verb.lower()} BEFORE {verb} ON {TABLE}
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;"""
    for verb in ("UPDATE", "DELETE")
]
SQLITE_REVERSE = [
    f"DROP TRIGGER IF EXISTS audit_trail_no_{verb.lower()};" for verb in ("UPDATE", "DELETE")
]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_FORWARD)
    elif vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement)
    else:
        raise NotImplementedError(f"no append-only trigger for {vendor}")


def reverse(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = POSTGRES_REVERSE if vendor == "postgresql" else SQLITE_REVERSE
    for statement in [statements] if isinstance(statements, str) else statements:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_api_call_action"),
    ]

    operations = [migrations.RunPython(forward, reverse, elidable=False)]
