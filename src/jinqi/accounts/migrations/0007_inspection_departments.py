"""Seed the departments that inspect and the plan's attachment does not name (区应急管理局,
区生态环境局, 区消防救援支队): the seed is re-applied, which changes nothing else."""

from django.db import migrations


def seed(apps, schema_editor):
    from jinqi.accounts.departments_seed import apply_seed

    apply_seed(apps.get_model("accounts", "Department"))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0006_provider_institution_roles")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
