"""One open correction request per fact, enforced by the database (docs/adr/0010-create-once.md).

A partial unique index over open requests on (delivery, key, year with no year as 0). Adding it
fails if a fact already has two open requests (possible before, when two were sent at the same
moment): answer one of them, then migrate again."""

from django.db import migrations, models
from django.db.models.functions import Coalesce


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0010_one_industry_index"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="correctionrequest",
            constraint=models.UniqueConstraint(
                models.F("delivery"),
                models.F("key"),
                Coalesce(models.F("year"), models.Value(0)),
                condition=models.Q(("state", "open")),
                name="correction_request_one_open_per_fact",
            ),
        ),
    ]
