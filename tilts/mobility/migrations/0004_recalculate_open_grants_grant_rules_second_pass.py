"""The grant rules' second pass (docs/grant-rules.md): project tables move onto the corrected defaults, and
drafts and submitted mobilities are priced again; approved ones keep their frozen grant. Each changed grant is
listed for the coordinator (GrantRecalculation)."""

from django.db import migrations

REASON = "Grant rules, second pass: country groups per call year, course fees, expensive travel"


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    from tilts.mobility.recalculation import rebase_rate_tables, recalculate_open_grants

    rebase_rate_tables(apps)
    recalculate_open_grants(apps, REASON)


class Migration(migrations.Migration):
    dependencies = [
        ("grants", "0001_initial"),
        ("mobility", "0003_grant_recalculation"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
