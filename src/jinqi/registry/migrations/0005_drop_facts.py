"""The facts now live in deliveries (0004): drop the fact table and its link from corrections."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0004_facts_to_deliveries"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="correctionrequest",
            name="fact",
        ),
        migrations.AlterField(
            model_name="correctionrequest",
            name="delivery",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="corrections",
                to="registry.delivery",
            ),
        ),
        migrations.DeleteModel(
            name="Fact",
        ),
    ]
