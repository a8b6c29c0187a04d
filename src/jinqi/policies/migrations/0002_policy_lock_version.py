"""A policy's publish, revise and withdraw steps go through core.workflow, which locks on
`lock_version`. Existing policies start at 0; reversible (the reverse drops the column)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("policies", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="policy",
            name="lock_version",
            field=models.PositiveIntegerField(default=0),
        ),
    ]
