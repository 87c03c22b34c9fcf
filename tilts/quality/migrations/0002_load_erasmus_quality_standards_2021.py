"""Loads the Erasmus quality standards (guide 2021, unchanged to 2026) from the app's data file."""

import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "standards_2021.json"


def load(apps, schema_editor):
    StandardItem = apps.get_model("quality", "StandardItem")
    data = json.loads(DATA.read_text(encoding="utf-8"))
    for row in data["items"]:
        StandardItem.objects.update_or_create(
            code=row["code"],
            defaults={
                "area": row["area"],
                "title_lv": row["lv"],
                "title_en": row["en"],
                "measures": row.get("measures", []),
                "guide_year": data["guide_year"],
                "data_version": data["version"],
            },
        )


class Migration(migrations.Migration):
    dependencies = [("quality", "0001_quality_standards_reviews_checklists")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
