"""Load the GB/T 4754-2017 code table shipped in data/gbt4754-2017.csv into Industry, each code
linked to its parent (section → division → group → class).

Idempotent: codes already present get the table's name and parent; none is deleted, since
enterprises may refer to them.
"""

import csv
from pathlib import Path

from django.db import migrations

TABLE = Path(__file__).resolve().parent.parent / "data" / "gbt4754-2017.csv"
LEVELS = {"section": 1, "division": 3, "group": 4, "class": 5}  # length of the code


def parent_code(code):
    if len(code) == 1:
        return None
    return code[0] if len(code) == 3 else code[:-1]


def load_industries(apps, schema_editor):
    Industry = apps.get_model("registry", "Industry")
    with TABLE.open(encoding="utf-8-sig", newline="") as handle:
        rows = [
            (row["code"].strip(), row["name"].strip(), row.get("level", "").strip())
            for row in csv.DictReader(handle)
        ]
    for code, _name, level in rows:
        if level in LEVELS and len(code) != LEVELS[level]:
            raise ValueError(f"{TABLE.name}: {code} is not a {level} code")
    rows.sort(key=lambda row: len(row[0]))  # parents first
    existing = {item.code: item for item in Industry.objects.all()}
    for length in sorted({len(code) for code, _name, _level in rows}):
        new, changed = [], []
        for code, name, _level in rows:
            if len(code) != length:
                continue
            parent = parent_code(code)
            item = existing.get(code)
            if item is None:
                new.append(Industry(code=code, name=name, parent_id=parent))
            elif item.name != name or item.parent_id != parent:
                item.name, item.parent_id = name, parent
                changed.append(item)
        Industry.objects.bulk_create(new, batch_size=500)
        Industry.objects.bulk_update(changed, ["name", "parent"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(load_industries, migrations.RunPython.noop),
    ]
