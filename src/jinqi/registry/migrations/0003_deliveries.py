"""Deliveries (docs/adr/0005-registry-deliveries.md): a department's values about an enterprise
as of a date in one row. This step adds the new table and columns next to the old ones;
0004 moves the facts into them and 0005 drops the fact table."""

import django.db.models.deletion
from django.db import migrations, models

import jinqi.registry.models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_api_token_scopes"),
        ("registry", "0002_load_industries"),
    ]

    operations = [
        migrations.CreateModel(
            name="DeliveryLayout",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("refs", models.JSONField()),
                ("digest", models.CharField(max_length=64, unique=True)),
            ],
        ),
        migrations.CreateModel(
            name="Delivery",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("as_of", models.DateField(verbose_name="as of")),
                ("recorded_at", models.DateTimeField(verbose_name="recorded at")),
                ("values", jinqi.registry.models.JSONText(verbose_name="values")),
                (
                    "layout",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="registry.deliverylayout",
                    ),
                ),
                (
                    "batch",
                    models.ForeignKey(
                        db_constraint=False,
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="registry.importbatch",
                    ),
                ),
                (
                    "enterprise",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="deliveries",
                        to="registry.enterprise",
                    ),
                ),
                (
                    "source",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="accounts.department",
                    ),
                ),
            ],
            options={
                "verbose_name": "delivery",
                "verbose_name_plural": "deliveries",
                "ordering": ["as_of", "id"],
            },
        ),
        migrations.AddField(
            model_name="importbatch",
            name="as_of",
            field=models.DateField(null=True, verbose_name="as of"),
        ),
        # Both links nullable while 0004 moves the requests over (and back, when reversed).
        migrations.AlterField(
            model_name="correctionrequest",
            name="fact",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="corrections",
                to="registry.fact",
            ),
        ),
        migrations.AddField(
            model_name="correctionrequest",
            name="delivery",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="corrections",
                to="registry.delivery",
            ),
        ),
        migrations.AddField(
            model_name="correctionrequest",
            name="key",
            field=models.CharField(default="", max_length=60, verbose_name="field"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="correctionrequest",
            name="year",
            field=models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="year"),
        ),
    ]
