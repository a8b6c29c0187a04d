from django.db import migrations


def seed(apps, schema_editor):
    from jinqi.assist.seed import apply_seed

    apply_seed(
        apps.get_model("assist", "ServiceWindow"),
        apps.get_model("assist", "Matter"),
        apps.get_model("accounts", "Department"),
    )


class Migration(migrations.Migration):
    dependencies = [("assist", "0001_initial"), ("accounts", "0002_seed_departments")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
