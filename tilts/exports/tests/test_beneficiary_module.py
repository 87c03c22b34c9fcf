"""The Beneficiary Module CSV: columns and order from the data file, each value as the module expects it."""

import datetime
import tomllib
from decimal import Decimal

import pytest

from tilts.exports import beneficiary_module, services
from tilts.exports.beneficiary_module import CURRENT, TemplateError, format_value, parse_template
from tilts.exports.tests.helpers import make_mobility, read_csv, with_details
from tilts.mobility.tests.factories import make_participant, make_project
from tilts.reporting import services as reporting
from tilts.reporting.models import ReportStatus
from tilts.reporting.tests.helpers import submitted_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(consortium):
    return make_project(consortium)


def test_the_columns_and_their_order_come_from_the_data_file(project, coordinator) -> None:
    with CURRENT.open("rb") as handle:
        data = tomllib.load(handle)
    headers = read_csv(services.build_csv(coordinator, project))[0]
    assert headers == [column["header"] for column in data["columns"]]
    assert data["source"] and data["version"]
    assert {column["format"] for column in data["columns"]} <= set(beneficiary_module.FORMATS)


def test_a_changed_template_changes_the_export_without_code(project, member, goals, coordinator) -> None:
    mobility = make_mobility(project, member, goals, by=coordinator)
    template = parse_template(
        {
            "version": "2",
            "columns": [
                {"header": "End", "key": "end_date", "format": "date"},
                {"header": "Country", "key": "receiving_country", "format": "country"},
            ],
        }
    )
    assert template.headers == ["End", "Country"]
    assert beneficiary_module.row(mobility, template) == ["2025-10-20", "BE"]


@pytest.mark.parametrize(
    ("column", "message"),
    [
        ({"header": "X", "key": "shoe_size", "format": "text"}, "unknown key"),
        ({"header": "X", "key": "end_date", "format": "roman"}, "unknown format"),
        ({"header": "", "key": "end_date", "format": "date"}, "no header"),
    ],
)
def test_a_template_with_an_unknown_column_is_refused(column: dict[str, str], message: str) -> None:
    with pytest.raises(TemplateError, match=message):
        parse_template({"columns": [column]})


def test_values_of_a_known_mobility(project, member, goals, coordinator) -> None:
    person = with_details(make_participant(member), first_name="Līga", last_name="Kalniņa", email="liga@example.org")
    mobility = make_mobility(project, member, goals, by=coordinator, participant=person)
    rows = read_csv(services.build_csv(coordinator, project))
    values = dict(zip(rows[0], rows[1], strict=True))
    assert values == {
        "Mobility ID": str(mobility.pk),
        "Activity Type": "Job shadowing",
        "Participant First Name": "Līga",
        "Participant Last Name": "Kalniņa",
        "Participant Email": "liga@example.org",
        "Date of Birth": "1984-03-15",
        "Gender": "Female",
        "Nationality": "LV",
        "Participant with Fewer Opportunities": "No",
        "Accompanying Person": "No",
        "Sending Organisation OID": member.oid,
        "Sending City": "Rīga",
        "Sending Country": "LV",
        "Receiving Organisation OID": "",
        "Receiving Organisation Name": "Koninklijke Bibliotheek van België (KBR)",
        "Receiving Country": "BE",
        "Receiving City": "Brussels",
        "Start Date": "2025-10-06",
        "End Date": "2025-10-20",
        "Travel Days": "2",
        "Distance Band": "500-1999 km",
        "Green Travel": "No",
        "Zero Grant": "No",
        # The reference's worked example: 309.00 travel + 3059.00 individual support + 100.00 organisational.
        "Travel Grant (EUR)": "309.00",
        "Exceptional Costs for Expensive Travel (EUR)": "0.00",
        "Individual Support (EUR)": "3059.00",
        "Organisational Support (EUR)": "100.00",
        "Course Fees (EUR)": "0.00",
        "Inclusion Support (EUR)": "0.00",
        "Preparatory Visits (EUR)": "0.00",
        "Total Grant (EUR)": "3468.00",
        "Participant Report Status": "Not submitted",
    }


def test_drafts_and_cancelled_mobilities_are_not_reported(project, member, goals, coordinator) -> None:
    kept = {
        make_mobility(project, member, goals, by=coordinator, status=status).pk
        for status in ("submitted", "approved", "confirmed", "completed")
    }
    make_mobility(project, member, goals, by=coordinator, status="draft")
    make_mobility(project, member, goals, by=coordinator, status="cancelled")
    rows = read_csv(services.build_csv(coordinator, project))[1:]
    assert {int(row[0]) for row in rows} == kept


def test_accompanying_person_and_fewer_opportunities_say_yes(project, member, goals, coordinator) -> None:
    mobility = make_mobility(
        project,
        member,
        goals,
        by=coordinator,
        activity_type="group_mobility",
        participant_kind="accompanying",
        fewer_opportunities=True,
        green_travel=True,
        travel_days=4,
        end_date=datetime.date(2025, 10, 10),
    )
    template = beneficiary_module.load_template()
    values = dict(zip(template.headers, beneficiary_module.row(mobility, template), strict=True))
    assert values["Accompanying Person"] == "Yes"
    assert values["Participant with Fewer Opportunities"] == "Yes"
    assert values["Green Travel"] == "Yes"
    assert values["Inclusion Support (EUR)"] == "100.00"  # per participant with fewer opportunities
    assert values["Organisational Support (EUR)"] == "0.00"  # not for accompanying persons


def _status_cell(user, project, mobility) -> str:
    rows = read_csv(services.build_csv(user, project))
    index = rows[0].index("Participant Report Status")
    return next(row[index] for row in rows[1:] if row[0] == str(mobility.pk))


def test_the_report_status_is_written_in_the_modules_words(project, member, goals, coordinator) -> None:
    """Not opened yet and opened but untouched are the same for the module: nothing submitted."""
    mobility = make_mobility(project, member, goals, by=coordinator, status="confirmed")
    assert _status_cell(coordinator, project, mobility) == "Not submitted"
    report = reporting.open_report(mobility)
    assert report.status == "pending"
    assert _status_cell(coordinator, project, mobility) == "Not submitted"
    participant = mobility.participant
    report = reporting.save_draft(report, by=participant, satisfaction=4)
    assert _status_cell(coordinator, project, mobility) == "Not submitted"
    report = submitted_report(report)
    assert _status_cell(coordinator, project, mobility) == "Submitted"
    report = reporting.request_changes(report, by=coordinator, comment="Pievienojiet apliecinājumu.")
    assert _status_cell(coordinator, project, mobility) == "Not submitted"
    report = reporting.submit(report, by=participant)
    reporting.accept(report, by=coordinator)
    assert _status_cell(coordinator, project, mobility) == "Submitted"


def test_every_report_state_has_the_modules_word() -> None:
    template = beneficiary_module.load_template()
    column = next(column for column in template.columns if column.key == "report_status")
    assert column.values is not None
    assert set(column.values) == {beneficiary_module.NOT_OPENED, *ReportStatus.values}
    assert set(column.values.values()) == {"Not submitted", "Submitted"}


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (None, "must map"),
        ({"pending": "Not submitted"}, "must map"),
        ({**dict.fromkeys(("not_opened", *ReportStatus.values), "Submitted"), "lost": "Lost"}, "unknown value"),
    ],
)
def test_a_report_status_column_must_map_every_state(values: dict[str, str] | None, message: str) -> None:
    column: dict[str, object] = {"header": "Status", "key": "report_status", "format": "text"}
    if values is not None:
        column["values"] = values
    with pytest.raises(TemplateError, match=message):
        parse_template({"columns": [column]})


def test_only_a_column_with_known_states_may_map_its_values() -> None:
    column = {"header": "End", "key": "end_date", "format": "date", "values": {"x": "y"}}
    with pytest.raises(TemplateError, match="no fixed values"):
        parse_template({"columns": [column]})


@pytest.mark.parametrize(
    ("value", "format", "expected"),
    [
        (Decimal("1234.5"), "amount", "1234.50"),
        (Decimal("0"), "amount", "0.00"),
        (datetime.date(2026, 2, 2), "date", "2026-02-02"),
        ("be", "country", "BE"),
        (True, "yesno", "Yes"),
        (False, "yesno", "No"),
        (None, "amount", ""),
        (None, "date", ""),
        (15, "integer", "15"),
    ],
)
def test_formats(value: object, format: str, expected: str) -> None:
    assert format_value(value, format) == expected  # type: ignore[arg-type]
