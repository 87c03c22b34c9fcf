"""Texts Tilts stored in the language of whoever was acting become codes, shown in the reader's language."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

PLACE_FREE = ("A place became free.", "Atbrīvojās vieta.")
SAME_INSTITUTION = ("Works at the applicant's institution.", "Strādā pieteicēja iestādē.")


def forwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    apps.get_model("selection", "Application").objects.filter(decision_reason__in=PLACE_FREE).update(
        decision_reason="", reason_code="place_free"
    )
    apps.get_model("selection", "Assignment").objects.filter(conflict=True, conflict_note__in=SAME_INSTITUTION).update(
        conflict_note=""
    )


class Migration(migrations.Migration):
    dependencies = [("selection", "0002_application_reason_code")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
