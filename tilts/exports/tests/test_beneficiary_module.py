"""The Beneficiary Module CSV: columns and order from the data file, each value as the module expects it."""

import datetime
import tomllib
from decimal import Decimal

import pytest
from django.core.exceptions import ObjectDoesNotExist

from tilts.exports import beneficiary_module, services
from tilts.exports.beneficiary_module import CURRENT, TemplateError, format_value, parse_template, report_status
from tilts.exports.tests.helpers import make_mobility, read_csv, with_details
from tilts.mobility.tests.factories import make_participant, make_project

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
        # The reference's worked example: 309.00 travel + 2737.00 individual support + 100.00 organisational.
        "Travel Grant (EUR)": "309.00",
        "Exceptional Costs for Expensive Travel (EUR)": "0.00",
        "Individual Support (EUR)": "2737.00",
        "Organisational Support (EUR)": "100.00",
        "Course Fees (EUR)": "0.00",
        "Inclusion Support (EUR)": "0.00",
        "Preparatory Visits (EUR)": "0.00",
        "Total Grant (EUR)": "3146.00",
        "Participant Report Status": "not started",
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


class _NoReport:
    """A mobility whose reverse one-to-one has no row: Django raises ObjectDoesNotExist."""

    @property
    def report(self) -> object:
        raise ObjectDoesNotExist


class _WithReport:
    def __init__(self, status: str) -> None:
        self.report = type("Report", (), {"status": status})()


def test_report_status_before_and_after_the_reporting_app(project, member, goals, coordinator) -> None:
    mobility = make_mobility(project, member, goals, by=coordinator)
    assert report_status(mobility) == "not started"  # no ``report`` relation at all
    assert report_status(_NoReport()) == "not started"  # type: ignore[arg-type]
    assert report_status(_WithReport("submitted")) == "submitted"  # type: ignore[arg-type]


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
