"""Seed the departments named by the Jinshan 2022 plan (codes in docs/departments.md)."""

from django.db import migrations


def seed(apps, schema_editor):
    from jinqi.accounts.departments_seed import apply_seed

    apply_seed(apps.get_model("accounts", "Department"))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
