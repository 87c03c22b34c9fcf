"""The Beneficiary Module import (v2): columns from the data file, the module's codes, inputs and no amounts."""

import datetime
import tomllib
from decimal import Decimal

import pytest
from django.utils import translation

from tilts.exports import beneficiary_module, services
from tilts.exports.api import ModuleDetailsIn
from tilts.exports.beneficiary_module import TEMPLATES, TemplateError, load_codes, parse_template
from tilts.exports.forms import ModuleDetailsForm
from tilts.exports.models import ModuleMobility
from tilts.exports.tests.helpers import awarded, make_mobility, read_csv, with_details
from tilts.mobility.models import Mobility
from tilts.mobility.tests.factories import make_participant, make_project

pytestmark = pytest.mark.django_db
ATHENS = "g:264371"


@pytest.fixture
def project(consortium):
    return awarded(make_project(consortium))


def test_the_columns_and_their_order_come_from_the_data_file(project, member, goals, coordinator) -> None:
    make_mobility(project, member, goals, by=coordinator)
    with TEMPLATES[-1].open("rb") as handle:
        data = tomllib.load(handle)
    headers = read_csv(services.build_csv(coordinator, project))[0]
    assert headers == [column["header"] for column in data["columns"]]
    assert data["source"] and data["version"] == "2"
    assert all(column["status"] in ("confirmed", "to-confirm") and column["source"] for column in data["columns"])


def test_the_file_carries_no_amounts(project, member, goals, coordinator) -> None:
    make_mobility(project, member, goals, by=coordinator)
    headers = read_csv(services.build_csv(coordinator, project))[0]
    assert not [header for header in headers if "EUR" in header or ("Grant" in header and header != "Zero Grant")]
    assert "Tilts" not in " ".join(headers)


def test_values_of_a_known_mobility(project, member, goals, coordinator) -> None:
    person = with_details(make_participant(member), first_name="Līga", last_name="Kalniņa", email="liga@example.org")
    mobility = make_mobility(project, member, goals, by=coordinator, participant=person, receiving_oid="E10234567")
    services.save_module_details(
        mobility, means_of_transport="plane", transport_description="Rīga–Brisele caur Frankfurti"
    )
    rows = read_csv(services.build_csv(coordinator, project))
    values = dict(zip(rows[0], rows[1], strict=True))
    assert values == {
        "Mobility Activity ID": "123456-MOB-00001",
        "Activity Type": "SM-JOB-SHDW",
        "Participant First Name": "Līga",
        "Participant Last Name": "Kalniņa",
        "Participant Email": "liga@example.org",
        "Date of Birth": "1984-03-15",
        "Gender": "Female",
        "Nationality": "LV",
        "Participant with Fewer Opportunities": "No",
        "Accompanying Person": "No",
        "Sending Organisation OID": member.oid,
        "Receiving Organisation OID": "E10234567",
        "Receiving Organisation Name": "Koninklijke Bibliotheek van België (KBR)",
        "Receiving Country": "BE",
        "Receiving City": "Brussels",
        "Start Date": "2025-10-06",
        "End Date": "2025-10-20",
        "Travel Days": "2",
        "Distance Band": "500-1999 km",
        "Main Means of Transport": "Plane",
        "Means of Transport Description": "Rīga–Brisele caur Frankfurti",
        "Green Travel": "No",
        "Expensive Travel": "No",
        "Expensive Travel Real Cost": "",
        "Expensive Travel Justification": "",
        "Inclusion Support Amount": "",
        "Inclusion Support Justification": "",
        "Force Majeure": "No",
        "Zero Grant": "No",
    }


def test_the_mobility_activity_id_is_stable_and_never_reused(project, member, goals, coordinator) -> None:
    first = make_mobility(project, member, goals, by=coordinator)
    second = make_mobility(project, member, goals, by=coordinator)
    assert services.assign_activity_ids(project) == 2
    ids = dict(ModuleMobility.objects.values_list("mobility", "activity_id"))
    assert ids == {first.pk: "123456-MOB-00001", second.pk: "123456-MOB-00002"}
    assert services.assign_activity_ids(project) == 0  # a second run changes nothing
    Mobility.objects.filter(pk=second.pk).delete()  # its record stays, with its number, without the mobility
    assert ModuleMobility.objects.filter(activity_id="123456-MOB-00002", mobility=None).exists()
    third = make_mobility(project, member, goals, by=coordinator)
    services.assign_activity_ids(project)
    assert ModuleMobility.objects.get(mobility=third).activity_id == "123456-MOB-00003"


def test_only_approved_mobilities_are_exported_and_the_others_are_listed(project, member, goals, coordinator) -> None:
    exported = {
        make_mobility(project, member, goals, by=coordinator, status=status).pk
        for status in ("approved", "confirmed", "completed")
    }
    left = {
        status: make_mobility(project, member, goals, by=coordinator, status=status)
        for status in ("draft", "submitted", "cancelled")
    }
    with translation.override("en"):
        check = services.check_module_import(coordinator, project)
    assert {row.mobility.pk for row in check.ready} == exported
    reasons = {mobility.pk: reason for mobility, reason in check.left_out}
    assert reasons == {
        left["draft"].pk: "a draft: the member has not submitted it",
        left["submitted"].pk: "waiting for the coordinator's approval",
        left["cancelled"].pk: "cancelled",
    }
    assert len(read_csv(services.build_csv(coordinator, project))) == 1 + len(exported)


def test_codes_for_countries_and_transport_come_from_the_data(project, member, goals, coordinator) -> None:
    mobility = make_mobility(
        project,
        member,
        goals,
        by=coordinator,
        receiving_country="GR",
        receiving_city="Athens",
        venue=ATHENS,
        green_travel=True,
        travel_days=4,
    )
    services.save_module_details(mobility, transport_description="Vilciens un prāmis")
    check = services.check_module_import(coordinator, project)
    (row,) = check.rows
    values = dict(zip(check.template.headers, row.cells, strict=True))
    assert values["Receiving Country"] == "EL"  # the module's own code (data, to confirm)
    assert (values["Main Means of Transport"], values["Green Travel"]) == ("Train", "Yes")
    assert row.ready


@pytest.mark.parametrize(
    ("column", "message"),
    [
        ({"header": "X", "key": "shoe_size", "format": "text"}, "unknown key"),
        ({"header": "X", "key": "end_date", "format": "roman"}, "unknown format"),
        ({"header": "", "key": "end_date", "format": "date"}, "no header"),
        ({"header": "X", "key": "end_date", "format": "date", "status": "maybe"}, "status"),
        ({"header": "X", "key": "activity_type", "format": "code"}, "code list"),
    ],
)
def test_a_template_with_an_unknown_column_is_refused(column: dict[str, str], message: str) -> None:
    with pytest.raises(TemplateError, match=message):
        parse_template({"columns": [column]})


def test_a_changed_template_changes_the_export_without_code(project, member, goals, coordinator) -> None:
    mobility = make_mobility(project, member, goals, by=coordinator)
    template = parse_template(
        {
            "version": "3",
            "columns": [
                {"header": "End", "key": "end_date", "format": "date"},
                {"header": "Type", "key": "activity_type", "format": "code", "codes": "activity_types"},
            ],
        }
    )
    assert beneficiary_module.row(mobility, template) == ["2025-10-20", "SM-JOB-SHDW"]


def test_every_confirmed_staff_code_is_the_references() -> None:
    codes = load_codes().activity_types
    assert {key: codes[key][0] for key in codes if codes[key][1] == "confirmed"} == {
        "job_shadowing": "SM-JOB-SHDW",
        "teaching_assignment": "SM-TTA",
        "course": "SM-COUR-TRAIN",
        "invited_expert": "OA-INV-EXP",
        "hosting_educator": "OA-HOS-TTT",
    }


def test_expensive_travel_and_inclusion_are_inputs(project, member, goals, coordinator) -> None:
    mobility = make_mobility(project, member, goals, by=coordinator, fewer_opportunities=True)
    services.save_module_details(
        mobility,
        means_of_transport="plane",
        expensive_travel_cost=Decimal("1450.5"),
        expensive_travel_justification="Tikai lidojums ar divām pārsēšanās reizēm.",
        inclusion_support_amount=Decimal("300"),
        inclusion_support_justification="Asistents",
    )
    check = services.check_module_import(coordinator, project)
    values = dict(zip(check.template.headers, check.rows[0].cells, strict=True))
    assert values["Expensive Travel"] == "Yes"
    assert values["Expensive Travel Real Cost"] == "1450.50"
    assert values["Inclusion Support Amount"] == "300.00"
    assert values["Participant with Fewer Opportunities"] == "Yes"


def test_a_cost_without_its_justification_is_refused(project, member, goals, coordinator) -> None:
    from django.core.exceptions import ValidationError

    mobility = make_mobility(project, member, goals, by=coordinator)
    with pytest.raises(ValidationError) as error:
        services.save_module_details(mobility, expensive_travel_cost=Decimal("900"), means_of_transport="rocket")
    assert set(error.value.message_dict) == {"expensive_travel_justification", "means_of_transport"}
    mobility.module.refresh_from_db()
    assert (mobility.module.means_of_transport, mobility.module.expensive_travel_cost) == ("plane", None)


def test_the_tilts_estimate_holds_the_computed_grant(project, member, goals, coordinator) -> None:
    make_mobility(project, member, goals, by=coordinator)
    with translation.override("en"):
        rows = read_csv(services.build_estimate(coordinator, project))
    values = dict(zip(rows[0], rows[1], strict=True))
    # The reference's worked example: 309.00 travel + 3059.00 individual support + 100.00 organisational.
    assert values["Mobility activity ID"] == "123456-MOB-00001"
    assert (values["Travel (EUR)"], values["Individual support (EUR)"]) == ("309.00", "3059.00")
    assert values["Organisational support (EUR)"] == "100.00"
    assert (values["Tilts estimate, total (EUR)"], values["Grant"]) == ("3468.00", "agreed")


def test_dates_are_iso(project, member, goals, coordinator) -> None:
    mobility = make_mobility(project, member, goals, by=coordinator, end_date=datetime.date(2025, 10, 9))
    template = beneficiary_module.template_for(project)
    assert template is not None
    assert "2025-10-09" in beneficiary_module.row(mobility, template)


def test_the_form_and_the_api_send_the_module_details():
    assert tuple(ModuleDetailsForm.Meta.fields) == services.MODULE_DETAILS
    assert tuple(ModuleDetailsIn.model_fields) == services.MODULE_DETAILS
