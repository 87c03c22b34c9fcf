"""Reading the module's mobility export: CSV and XLSX, its layout as data, and every kind of bad file refused with
a clear message and nothing stored."""

import datetime
import tomllib

import pytest
from django.utils import translation

from tilts.exports import module_import, services
from tilts.exports.models import EUReportStatus, ModuleImport, ModuleImportRow, ModuleMobility
from tilts.exports.module_import import ImportRefused
from tilts.exports.tests.helpers import (
    MODULE_HEADERS,
    awarded,
    make_mobility,
    module_csv,
    module_export,
    module_xlsx,
    upload,
)
from tilts.mobility.tests.factories import make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(consortium):
    return awarded(make_project(consortium))


@pytest.fixture
def rows(project, member, goals, coordinator):
    make_mobility(project, member, goals, by=coordinator)
    make_mobility(project, member, goals, by=coordinator)
    return module_export(services.build_csv(coordinator, project))


def refusal(coordinator, project, content: bytes, name: str = "bm.csv", language: str = "en") -> list[str]:
    with translation.override(language), pytest.raises(ImportRefused) as caught:
        services.import_module_export(coordinator, project, upload(content, name))
    assert not ModuleImport.objects.exists() and not ModuleImportRow.objects.exists()
    assert not ModuleMobility.objects.exclude(unique_mobility_id="").exists()
    return caught.value.messages


def test_the_layout_is_data_with_a_source_and_status_per_column() -> None:
    with module_import.LAYOUTS[-1].open("rb") as handle:
        data = tomllib.load(handle)
    assert all(column["source"] and column["status"] in ("confirmed", "to-confirm") for column in data["columns"])
    layout = module_import.load_layout(module_import.LAYOUTS[-1])
    assert layout.column("activity_id").mandatory and layout.column("activity_id").status == "confirmed"
    assert set(layout.report_statuses.values()) == set(EUReportStatus.values)


def test_xlsx_export_is_read_with_its_dates_and_statuses(project, rows, coordinator) -> None:
    rows[0]["Participant Report Status"] = "Undelivered e-mail"
    imported = services.import_module_export(coordinator, project, upload(module_xlsx(rows), "bm.xlsx"))
    assert (imported.rows, imported.same, imported.differing) == (2, 2, 0)
    statuses = sorted(ModuleMobility.objects.values_list("eu_report_status", flat=True))
    assert statuses == [EUReportStatus.REQUEST_SENT, EUReportStatus.UNDELIVERED]


def test_semicolons_day_first_dates_and_decimal_commas_are_read(project, rows, coordinator) -> None:
    for row in rows:
        start = datetime.date.fromisoformat(row["Start Date"])
        row["Start Date"] = start.strftime("%d/%m/%Y")
        row["Travel Grant"] = row["Travel Grant"].replace(".", ",")
    imported = services.import_module_export(coordinator, project, upload(module_csv(rows, delimiter=";")))
    assert imported.same == 2


def test_unknown_columns_are_ignored_and_reported(project, rows, coordinator) -> None:
    for row in rows:
        row["Project Code"] = "2025-1-LV01"
    imported = services.import_module_export(coordinator, project, upload(module_csv(rows)))
    assert imported.unknown_columns == ["Project Code"]
    assert "Participant Report Status" in imported.columns_to_confirm


def test_a_file_that_is_not_a_spreadsheet_is_refused(project, rows, coordinator) -> None:
    messages = refusal(coordinator, project, b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "bm.csv")
    assert messages == [
        "Upload the module's mobility export as CSV or XLSX: this file is neither (its content was checked)."
    ]


def test_a_list_without_the_key_column_is_not_the_modules_export(project, rows, coordinator) -> None:
    messages = refusal(coordinator, project, "Vārds,Uzvārds\nLīga,Kalniņa\n".encode())
    assert "not the Beneficiary Module's mobility export" in messages[0]


def test_tilts_own_import_file_is_the_wrong_template(project, rows, coordinator) -> None:
    messages = refusal(coordinator, project, services.build_csv(coordinator, project))
    assert "the column “Unique Erasmus+ Mobility ID” is missing" in messages[0]


def test_duplicate_ids_and_values_that_do_not_parse_are_listed_by_row(project, rows, coordinator) -> None:
    rows[1]["Mobility Activity ID"] = rows[0]["Mobility Activity ID"]
    rows[0]["End Date"] = "31.02.2025x"
    rows[1]["Travel Days"] = "divas"
    rows[1]["Travel Grant"] = "12,3.4"
    messages = refusal(coordinator, project, module_csv(rows))
    assert messages[0] == "Nothing was imported. Correct the file and upload it again:"
    assert "Row 2, “End Date”: “31.02.2025x” is not a date (YYYY-MM-DD or DD/MM/YYYY)." in messages
    assert "Row 3, “Travel Days”: “divas” is not a whole number." in messages
    assert "Row 3, “Travel Grant”: “12,3.4” is not an amount in euro." in messages
    assert any(m.startswith("Rows 2 and 3 have the same Mobility activity ID") for m in messages)


def test_an_unknown_report_status_is_refused(project, rows, coordinator) -> None:
    rows[0]["Participant Report Status"] = "Lost"
    messages = refusal(coordinator, project, module_csv(rows))
    assert "Row 2, “Participant Report Status”: “Lost” is not one of the module's statuses." in messages


def test_a_file_too_large_is_refused_before_it_is_read(project, rows, coordinator, settings) -> None:
    settings.MODULE_IMPORT_MAX_BYTES = 1024 * 1024
    content = module_csv(rows * 4000)
    assert len(content) > 1024 * 1024
    messages = refusal(coordinator, project, content)
    assert messages == ["The file is larger than 1 MB: it cannot be the module's export of one project."]


def test_a_damaged_xlsx_is_refused(project, rows, coordinator) -> None:
    content = module_xlsx(rows)
    messages = refusal(coordinator, project, content[: len(content) // 2], "bm.xlsx")
    assert messages  # a zip cut in half is not an XLSX any more: refused as neither CSV nor XLSX, or as damaged


def test_an_empty_list_of_mobilities_is_refused(project, rows, coordinator) -> None:
    assert refusal(coordinator, project, (",".join(MODULE_HEADERS) + "\n").encode()) == [
        "The file has headers but no mobilities."
    ]


def test_refusals_are_in_latvian_for_latvian_pages(project, rows, coordinator) -> None:
    messages = refusal(coordinator, project, b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", language="lv")
    assert messages[0].startswith("Augšupielādējiet moduļa mobilitāšu eksportu CSV vai XLSX formātā")
    messages = refusal(coordinator, project, services.build_csv(coordinator, project), language="lv")
    assert "trūkst kolonnas „Unique Erasmus+ Mobility ID”." in messages[0]


def test_only_the_coordinator_imports(project, rows, auditor, member_contact) -> None:
    from django.core.exceptions import PermissionDenied

    for user in (auditor, member_contact):
        with pytest.raises(PermissionDenied):
            services.import_module_export(user, project, upload(module_csv(rows)))


def test_a_second_import_records_the_status_change_in_the_history(project, rows, coordinator) -> None:
    services.import_module_export(coordinator, project, upload(module_csv(rows)))
    for row in rows:
        row["Participant Report Status"] = "Submitted"
    second = services.import_module_export(coordinator, project, upload(module_csv(rows)))
    record = ModuleMobility.objects.first()
    assert record.eu_report_status == EUReportStatus.SUBMITTED and record.last_import == second
    statuses = [h.eu_report_status for h in record.history.order_by("history_date", "history_id")]
    assert statuses[-2:] == [EUReportStatus.REQUEST_SENT, EUReportStatus.SUBMITTED]
    assert record.history.first().history_user == coordinator
