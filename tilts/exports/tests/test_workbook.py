"""The project workbook: its sheets, real dates and money, frozen headers, widths, translated headers, registry."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from tilts.exports import services, workbook
from tilts.exports.tests.helpers import make_mobility
from tilts.mobility.tests.factories import make_participant, make_project
from tilts.projects import services as project_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(consortium):
    project = make_project(consortium)
    project_services.set_awarded_budget(
        project,
        by=None,
        version=project.version,
        amounts={"travel": Decimal("1000.00"), "individual_support": Decimal("5000")},
    )
    return project


def open_workbook(content: bytes):
    return load_workbook(io.BytesIO(content))


def header_index(sheet) -> dict[str, int]:
    return {cell.value: cell.column for cell in sheet[1]}


def test_sheets_in_order_with_real_dates_and_money(project, member, goals, coordinator) -> None:
    mobility = make_mobility(project, member, goals, by=coordinator)
    book = open_workbook(services.build_xlsx(coordinator, project))
    assert book.sheetnames == ["Mobilitātes", "Dalībnieki", "Budžets", "Turpmākās aktivitātes", "Maksājumi"]
    sheet = book["Mobilitātes"]
    assert sheet.freeze_panes == "A2"
    columns = header_index(sheet)
    start = sheet.cell(2, columns["Sākums"])
    assert start.value == datetime.datetime(2025, 10, 6) and start.is_date and start.number_format == "yyyy-mm-dd"
    grant = sheet.cell(2, columns["Dotācija, EUR"])
    assert grant.value == 3468 and grant.number_format == "#,##0.00"
    assert sheet.cell(2, columns["Ceļa izmaksas"]).value == 309
    assert sheet.cell(2, columns["ID"]).value == mobility.pk
    assert sheet.cell(2, columns["Statuss"]).value == "Apstiprināta"
    assert all(sheet.column_dimensions[letter].width >= 4 for letter in ("A", "B", "C", "M"))


def test_participants_one_row_per_person(project, member, goals, coordinator) -> None:
    person = make_participant(member)
    make_mobility(project, member, goals, by=coordinator, participant=person)
    make_mobility(
        project,
        member,
        goals,
        by=coordinator,
        participant=person,
        start_date=datetime.date(2025, 11, 3),
        end_date=datetime.date(2025, 11, 7),
    )
    make_mobility(project, member, goals, by=coordinator, status="cancelled")
    sheet = open_workbook(services.build_xlsx(coordinator, project))["Dalībnieki"]
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert len(rows) == 2
    mine = rows[person.get_full_name()]
    assert mine[2] == str(member) and mine[3] == 2
    assert Decimal(str(mine[4])) > Decimal("3468")  # both mobilities' grants
    cancelled = next(row for name, row in rows.items() if name != person.get_full_name())
    assert cancelled[3] == 0 and cancelled[4] == 0


def test_budget_sheet_from_the_project_budget(project, member, goals, coordinator) -> None:
    make_mobility(project, member, goals, by=coordinator, status="completed")
    sheet = open_workbook(services.build_xlsx(coordinator, project))["Budžets"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Izmaksu kategorija", "Piešķirts, EUR", "Plānots, EUR", "Īstenots, EUR")
    travel = next(row for row in rows if row[0] == "Ceļa izmaksas")
    assert travel[1:4] == (1000, 0, 309)
    member_row = next(row for row in rows if row[0] == member.legal_name)
    assert member_row[3] == 3468 and member_row[4] == 1


def test_headers_in_the_language_of_the_export(project, member, goals, coordinator) -> None:
    make_mobility(project, member, goals, by=coordinator)
    with translation.override("en"):
        book = open_workbook(services.build_xlsx(coordinator, project))
    assert book.sheetnames == ["Mobilities", "Participants", "Budget", "Follow-ups", "Payments"]
    assert "Start" in header_index(book["Mobilities"])


def test_another_app_adds_a_sheet(project, coordinator) -> None:
    def followups(sheet, context: workbook.WorkbookContext) -> None:
        workbook.write_table(sheet, [workbook.Col("Project")], [[context.project.title]])

    saved = list(workbook.SHEETS)
    workbook.register_sheet("extra", "Extra", followups)
    try:
        book = open_workbook(services.build_xlsx(coordinator, project))
        assert book.sheetnames[-1] == "Extra"
        assert book["Extra"]["A2"].value == project.title
    finally:
        workbook.SHEETS[:] = saved


def test_the_exports_page_names_every_sheet_of_the_workbook(coordinator_client, project) -> None:
    response = coordinator_client.get("/en" + reverse("exports:project", args=[project.pk]))
    assert "sheets: Mobilities, Participants, Budget, Follow-ups, Payments." in response.text


def test_the_workbooks_database_readers_give_the_rows_of_the_plain_mobilities(
    project, member, other_member, goals, coordinator
) -> None:
    """The sheets read the database their own way (a few columns for the participants, chunks for the payments):
    the same cells as a workbook made from the mobilities themselves."""
    from tilts.exports import selectors

    people = {member: make_participant(member), other_member: make_participant(other_member)}
    for index in range(5):
        organisation = (member, other_member)[index % 2]
        make_mobility(project, organisation, goals, by=coordinator, participant=people[organisation])
    make_mobility(project, member, goals, by=coordinator, status="cancelled")
    make_mobility(project, member, goals, by=coordinator, status="draft")
    read = open_workbook(services.build_xlsx(coordinator, project))
    mobilities = list(selectors.as_exported(selectors.project_mobilities(coordinator, project), project))
    plain = open_workbook(workbook.build_workbook(workbook.WorkbookContext(coordinator, project, mobilities)))
    assert read.sheetnames == plain.sheetnames
    for name in read.sheetnames:
        assert list(read[name].iter_rows(values_only=True)) == list(plain[name].iter_rows(values_only=True)), name
    assert (read["Dalībnieki"].max_row, read["Maksājumi"].max_row) == (5, 9)  # subtotals per member and the total
