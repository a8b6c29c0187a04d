"""Enterprise's industry and town and Profile's enterprise lose their database constraints, as
Delivery's links have none (0003): PostgreSQL checks every row a COPY writes against every
constraint, one query each, which was most of the import's time. `jinqi registry check-links`
finds rows whose link points nowhere."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_api_token_scopes"),
        ("registry", "0006_enterprise_indexes"),
    ]

    operations = [
        migrations.AlterField(
            model_name="enterprise",
            name="industry",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                to="registry.industry",
                verbose_name="industry",
            ),
        ),
        migrations.AlterField(
            model_name="enterprise",
            name="town",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.department",
                verbose_name="town, street or park",
            ),
        ),
        migrations.AlterField(
            model_name="profile",
            name="enterprise",
            field=models.OneToOneField(
                db_constraint=False,
                on_delete=django.db.models.deletion.CASCADE,
                primary_key=True,
                related_name="profile",
                serialize=False,
                to="registry.enterprise",
            ),
        ),
    ]
