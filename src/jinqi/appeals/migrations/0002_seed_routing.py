"""The starting routing table (category → department and time limits) and deadline regimes."""

from typing import Any

from django.db import migrations


def seed(apps: Any, schema_editor: Any) -> None:
    from jinqi.appeals.routing_seed import CATEGORIES, REGIMES

    regime_model = apps.get_model("appeals", "DeadlineRegime")
    category_model = apps.get_model("appeals", "Category")
    department_model = apps.get_model("accounts", "Department")
    regimes = {}
    for r in REGIMES:
        regimes[r.code], _created = regime_model.objects.update_or_create(
            code=r.code,
            defaults={
                "name": r.name,
                "response_days": r.response_days,
                "resolution_days": r.resolution_days,
                "complex_days": r.complex_days,
                "source": r.source,
                "is_assumption": r.is_assumption,
            },
        )
    for order, c in enumerate(CATEGORIES):
        category_model.objects.update_or_create(
            code=c.code,
            defaults={
                "name": c.name,
                "department": department_model.objects.get(code=c.department),
                "regime": regimes[c.regime],
                "sort_order": order,
            },
        )


class Migration(migrations.Migration):
    dependencies = [
        ("appeals", "0001_initial"),
        ("accounts", "0002_seed_departments"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
