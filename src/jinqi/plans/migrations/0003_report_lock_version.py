"""The report's `version` becomes `lock_version`, the name core.locking and core.workflow use.

A rename keeps every value (reversible: the reverse renames it back)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("plans", "0002_measure_indicator_keys")]

    operations = [
        migrations.RenameField(
            model_name="progressreport", old_name="version", new_name="lock_version"
        ),
    ]
