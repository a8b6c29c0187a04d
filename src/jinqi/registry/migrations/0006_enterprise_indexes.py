"""The code's uniqueness and the name's index as a constraint and an index of their own: on
PostgreSQL, unique=True and db_index=True each add a varchar_pattern_ops index for LIKE that no
query uses (searches match codes exactly and names with icontains) and every import pays for.
The constraint and the plain index keep what the fields guaranteed."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0005_drop_facts"),
    ]

    operations = [
        migrations.AlterField(
            model_name="enterprise",
            name="name",
            field=models.CharField(max_length=200, verbose_name="name"),
        ),
        migrations.AlterField(
            model_name="enterprise",
            name="uscc",
            field=models.CharField(max_length=18, verbose_name="unified social credit code"),
        ),
        migrations.AddIndex(
            model_name="enterprise",
            index=models.Index(fields=["name"], name="registry_enterprise_name"),
        ),
        migrations.AddConstraint(
            model_name="enterprise",
            constraint=models.UniqueConstraint(fields=("uscc",), name="registry_enterprise_uscc"),
        ),
    ]
