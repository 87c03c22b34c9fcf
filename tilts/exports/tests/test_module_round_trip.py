"""The round trip with the Beneficiary Module: Tilts' import file, the module's export of it read back with the
module's changes, the reconciliation, the coordinator's decisions, and Tilts' next import file."""

import datetime
from decimal import Decimal

import pytest

from tilts.exports import services
from tilts.exports.beneficiary_module import grant_by_category
from tilts.exports.models import Decision, EUReportStatus, ModuleMobility, RowKind
from tilts.exports.tests.helpers import awarded, make_mobility, module_csv, module_export, read_csv, upload
from tilts.mobility.models import Mobility
from tilts.mobility.tests.factories import make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(consortium):
    return awarded(make_project(consortium))


def test_export_import_with_changes_adopt_and_export_again(project, member, goals, coordinator) -> None:
    first = make_mobility(project, member, goals, by=coordinator)
    second = make_mobility(project, member, goals, by=coordinator)
    third = make_mobility(project, member, goals, by=coordinator)
    exported = services.build_csv(coordinator, project)
    ids = dict(ModuleMobility.objects.values_list("mobility_id", "activity_id"))
    assert ids[first.pk] == "123456-MOB-00001"

    # In the module: the first mobility's dates and travel days were corrected, the second's participant is now
    # flagged with fewer opportunities; the third was never imported there; one mobility was added by hand there.
    rows = module_export(
        exported,
        {
            ids[first.pk]: {"Start Date": "2025-10-07", "End Date": "2025-10-21", "Travel Days": "1"},
            ids[second.pk]: {"Participant with Fewer Opportunities": "Yes", "Participant Report Status": "Submitted"},
        },
    )
    rows = [row for row in rows if row["Mobility Activity ID"] != ids[third.pk]]
    rows.append({**rows[0], "Mobility Activity ID": "123456-MOB-00099", "Unique Erasmus+ Mobility ID": "X-99"})
    imported = services.import_module_export(coordinator, project, upload(module_csv(rows)))

    assert (imported.rows, imported.same, imported.differing) == (3, 0, 2)
    assert (imported.only_in_module, imported.only_in_tilts) == (1, 1)
    lines = {line.activity_id: line for line in imported.lines.all()}
    assert lines[ids[first.pk]].differences == [
        ["start_date", "2025-10-06", "2025-10-07"],
        ["end_date", "2025-10-20", "2025-10-21"],
        ["travel_days", "2", "1"],
    ]
    assert lines[ids[second.pk]].differences == [["fewer_opportunities", "No", "Yes"]]
    assert lines["123456-MOB-00099"].kind == RowKind.ONLY_MODULE
    assert lines[ids[third.pk]].kind == RowKind.ONLY_TILTS
    # The module's own facts are stored; Tilts' plan is not touched before a decision.
    record = ModuleMobility.objects.get(mobility=second)
    assert record.unique_mobility_id == "2025-1-LV01-KA121-ADU-000002"
    assert record.eu_report_status == EUReportStatus.SUBMITTED and record.last_import == imported
    assert Decimal(record.module_grant["travel"]) == grant_by_category(second)["travel"] > 0
    first.refresh_from_db()
    assert first.start_date == datetime.date(2025, 10, 6)

    services.decide(coordinator, lines[ids[first.pk]], Decision.ADOPTED)
    services.decide(coordinator, lines[ids[second.pk]], Decision.KEPT)

    first.refresh_from_db()
    assert (first.start_date, first.end_date, first.travel_days) == (
        datetime.date(2025, 10, 7),
        datetime.date(2025, 10, 21),
        1,
    )
    latest = first.history.first()
    assert latest.history_user == coordinator and latest.start_date == datetime.date(2025, 10, 7)
    assert not Mobility.objects.get(pk=second.pk).fewer_opportunities

    again = read_csv(services.build_csv(coordinator, project))
    values = {row[0]: dict(zip(again[0], row, strict=True)) for row in again[1:]}
    assert values[ids[first.pk]]["Start Date"] == "2025-10-07"
    assert values[ids[first.pk]]["End Date"] == "2025-10-21"
    assert values[ids[first.pk]]["Travel Days"] == "1"
    assert values[ids[second.pk]]["Participant with Fewer Opportunities"] == "No"  # Tilts' value is re-exported
    assert len(again) == 4  # the same three mobilities, no duplicate: the IDs did not change

    # Imported once more, the adopted mobility no longer differs.
    second_import = services.import_module_export(
        coordinator, project, upload(module_csv(module_export(services.build_csv(coordinator, project))))
    )
    assert second_import.differing == 0 and second_import.same == 3
