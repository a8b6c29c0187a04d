"""Seed the district's checklist with its first version (legalcheck/checklist_seed.py); from
then on the 区司法局 edits the items as data."""

from django.db import migrations


def seed(apps, schema_editor):
    from jinqi.legalcheck.checklist_seed import ITEMS

    item = apps.get_model("legalcheck", "ChecklistItem")
    numbers: dict[str, int] = {}
    for seed_item in ITEMS:
        numbers[seed_item.section] = numbers.get(seed_item.section, 0) + 1
        item.objects.get_or_create(
            section=seed_item.section,
            number=numbers[seed_item.section],
            defaults={
                "question": seed_item.question,
                "basis": seed_item.basis,
                "prefill": seed_item.prefill,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("legalcheck", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
